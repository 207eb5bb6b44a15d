import type { LayerProgressEvent } from './build-event.js';

/** How a finished sub-task ended: BuildKit's `done`, or a layer that needed no transfer. */
export type TaskOutcome = 'done' | 'exists' | 'mounted';

/** A named sub-task of a step: a layer transfer, an export phase, a context transfer. */
export interface TaskState {
  readonly key: string;
  readonly name: string;
  readonly current: number;
  readonly total: number;
  /** When it started moving; undefined while it only waits. */
  readonly startedAt: number | undefined;
  readonly updatedAt: number;
  readonly completedAt: number | undefined;
  readonly outcome: TaskOutcome | undefined;
}

export interface TaskUpdate {
  readonly time: number;
  readonly current: number;
  readonly total: number;
  readonly outcome: TaskOutcome | undefined;
  /** Whether this update means the task has begun (a layer that only waits has not). */
  readonly moving: boolean;
}

export function layerUpdate(event: LayerProgressEvent): TaskUpdate {
  const { time, current, total, status } = event;
  switch (status) {
    case 'waiting':
      return { time, current, total, outcome: undefined, moving: false };
    case 'downloading':
    case 'verifying':
      return { time, current, total, outcome: undefined, moving: true };
    case 'done':
    case 'exists':
    case 'mounted':
      return { time, current: Math.max(current, total), total, outcome: status, moving: true };
  }
}

/** A sub-task after an update (`before` is its previous state, if any). */
export function nextTaskState(before: TaskState | undefined, update: TaskUpdate & { readonly key: string; readonly name: string }): TaskState {
  const { key, name } = update;
  const startedAt = before?.startedAt ?? (update.moving ? update.time : undefined);
  return {
    key,
    name,
    current: update.current,
    total: update.total !== 0 ? update.total : (before?.total ?? 0),
    startedAt,
    updatedAt: update.time,
    completedAt: update.outcome === undefined ? undefined : update.time,
    outcome: update.outcome,
  };
}
