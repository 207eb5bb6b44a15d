import type { SourceRange } from '../errors/index.js';

/**
 * What a build reports while it runs, as plain data. The engine emits these; renderers (src/cli/progress)
 * draw them. Modelled on BuildKit's SolveStatus: a build is a set of vertices (here: steps, keyed by
 * `id`), each started once and then ended as done, cached, failed or canceled, with log output and
 * named sub-tasks (layer downloads, export phases) in between.
 *
 * Contract for emitters:
 * - `time` is milliseconds on one monotonic clock for the whole build (`eventTime()`, i.e.
 *   `performance.now()`); renderers measure running timers on the same clock.
 * - Every step event (`step-log`, `step-cached`, `step-done`, `step-failed`, `step-canceled`,
 *   `step-status`, `pull-progress`, `push-progress`, `export-progress`, a step's `warning`) comes after
 *   the `step-started` of its `id`; events for an id never started are ignored by the renderers.
 * - A step ends with exactly one of `step-cached`, `step-done`, `step-failed`, `step-canceled`.
 * - The same work asked for twice is one step (one id), started once.
 */
export type BuildEvent =
  | BuildStartedEvent
  | StageStartedEvent
  | StageFinishedEvent
  | StepStartedEvent
  | StepLogEvent
  | StepCachedEvent
  | StepDoneEvent
  | StepFailedEvent
  | StepCanceledEvent
  | StepStatusEvent
  | LayerProgressEvent
  | ExportProgressEvent
  | WarningEvent
  | BuildFinishedEvent;

export type BuildEventType = BuildEvent['type'];

/** Receives events; must not throw and should return quickly (it runs on the engine's path). */
export type EventSink = (event: BuildEvent) => void;

/** The `id` of events about the build as a whole (build started/finished, warnings of no step). */
export const BUILD_ID = 'build';

interface EventBase {
  /** Milliseconds on the build's monotonic clock (see `eventTime`). */
  readonly time: number;
  /** The step (vertex) the event is about; `BUILD_ID` for the build itself; `stage:<id>` for stages. */
  readonly id: string;
}

/** A stage the build will run, as announced at the start. */
export interface BuildStageInfo {
  /** The stage's progress name (PlanStage.id: its AS name, `stage-N`, or '' for a one-stage build). */
  readonly id: string;
  readonly index: number;
  /** BuildKit's step count for the stage (the `n` of `[stage i/n]`). */
  readonly steps: number;
}

export interface BuildStartedEvent extends EventBase {
  readonly type: 'build-started';
  /** The target stage's progress name. */
  readonly target: string;
  /** The stages that will run (the needed ones), in Dockerfile order. */
  readonly stages: readonly BuildStageInfo[];
  /** How many steps the build expects to report (the header's `(done/total)`). */
  readonly totalSteps: number;
}

export interface StageStartedEvent extends EventBase {
  readonly type: 'stage-started';
  readonly stage: string;
  readonly index: number;
}

export type StageOutcome = 'done' | 'failed' | 'canceled';

export interface StageFinishedEvent extends EventBase {
  readonly type: 'stage-finished';
  readonly stage: string;
  readonly index: number;
  readonly outcome: StageOutcome;
}

export interface StepStartedEvent extends EventBase {
  readonly type: 'step-started';
  /**
   * The progress line exactly as BuildKit prints it: `[builder 3/5] RUN npm install` (PlanStep.label),
   * or a label of the engine's own work: `[internal] load build context`, `exporting to image`.
   */
  readonly label: string;
  /** The stage's progress name, for Dockerfile steps. */
  readonly stage?: string;
  /** The step's `i` and `n` in `[stage i/n]`, for numbered Dockerfile steps. */
  readonly number?: number;
  readonly total?: number;
}

export type LogStream = 'stdout' | 'stderr';

/** A chunk of a step's output, cut anywhere (mid-line, even mid-character when `data` is bytes). */
export interface StepLogEvent extends EventBase {
  readonly type: 'step-log';
  readonly stream: LogStream;
  readonly data: Uint8Array | string;
}

/** The step's result came from the cache: nothing ran. Ends the step. */
export interface StepCachedEvent extends EventBase {
  readonly type: 'step-cached';
}

/** The step ran and succeeded. Ends the step. */
export interface StepDoneEvent extends EventBase {
  readonly type: 'step-done';
  readonly durationMs: number;
}

/** The step failed. Ends the step. `error` is one line, as BuildKit's vertex error. */
export interface StepFailedEvent extends EventBase {
  readonly type: 'step-failed';
  readonly error: string;
}

/** The step was stopped because something else failed or the build was interrupted. Ends the step. */
export interface StepCanceledEvent extends EventBase {
  readonly type: 'step-canceled';
}

/** A named sub-task of a step (`transferring context`, `resolve docker.io/library/node:18`). */
export interface StepStatusEvent extends EventBase {
  readonly type: 'step-status';
  /** Names the sub-task; events with the same name update one line. */
  readonly name: string;
  /** Bytes (or items) done so far and expected; 0/absent when unknown. */
  readonly current?: number;
  readonly total?: number;
  readonly done: boolean;
}

/** Where one layer is in a pull or a push. */
export type LayerStatus = 'waiting' | 'downloading' | 'verifying' | 'done' | 'exists' | 'mounted';

/** Progress of one layer of a pull or a push, shown under the step that needed it. */
export interface LayerProgressEvent extends EventBase {
  readonly type: 'pull-progress' | 'push-progress';
  /** The image reference being pulled or pushed. */
  readonly reference: string;
  /** The layer's digest (`sha256:...`). */
  readonly layer: string;
  readonly current: number;
  readonly total: number;
  readonly status: LayerStatus;
}

/** A phase of writing the result: `exporting layers`, `writing image sha256:...`, `naming to ...`. */
export interface ExportProgressEvent extends EventBase {
  readonly type: 'export-progress';
  readonly task: string;
  readonly current?: number;
  readonly total?: number;
  readonly done: boolean;
}

/** Something the user should know that does not stop the build (a lint finding, an unused ARG). */
export interface WarningEvent extends EventBase {
  readonly type: 'warning';
  /** The rule or warning code: `UndefinedVar`, `UNUSED_BUILD_ARG`. */
  readonly code?: string;
  readonly message: string;
  /** The Dockerfile lines it is about. */
  readonly range?: SourceRange;
  readonly url?: string;
}

export interface BuildFinishedEvent extends EventBase {
  readonly type: 'build-finished';
  readonly durationMs: number;
  /** The image id: the config digest, `sha256:...` (absent when the build failed or made no image). */
  readonly imageId?: string;
  /** The manifest digest, when an image was made. */
  readonly digest?: string;
  /** Why the build failed, one line (absent on success). */
  readonly error?: string;
}

/** The terminal events of a step. */
export type StepEndEvent = StepCachedEvent | StepDoneEvent | StepFailedEvent | StepCanceledEvent;

/** Whether an event ends its step. */
export function isStepEnd(event: BuildEvent): event is StepEndEvent {
  return (
    event.type === 'step-cached' ||
    event.type === 'step-done' ||
    event.type === 'step-failed' ||
    event.type === 'step-canceled'
  );
}

/** The clock events are stamped with: milliseconds, monotonic (never goes back with the wall clock). */
export function eventTime(): number {
  return performance.now();
}
