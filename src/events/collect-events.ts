import type {
  BuildEvent,
  BuildFinishedEvent,
  BuildStageInfo,
  EventSink,
  StageOutcome,
  WarningEvent,
} from './build-event.js';
import { LineAssembler } from './log-lines.js';
import { layerUpdate, nextTaskState } from './task-state.js';
import type { TaskState } from './task-state.js';
import type { LogLine } from './log-lines.js';

export type StepStatus = 'running' | 'cached' | 'done' | 'failed' | 'canceled';

export interface StepState {
  readonly id: string;
  readonly label: string;
  readonly stage: string | undefined;
  /** Position in start order, from 0. */
  readonly order: number;
  readonly status: StepStatus;
  readonly startedAt: number;
  readonly finishedAt: number | undefined;
  /** The step's own duration: as reported by `step-done`, else finish minus start. */
  readonly durationMs: number | undefined;
  readonly error: string | undefined;
  /** The last complete lines of output (at most the collector's `logLines`). */
  readonly logs: readonly LogLine[];
  /** The line of output begun but not ended. */
  readonly partialLog: LogLine | undefined;
  readonly logBytes: number;
  readonly tasks: ReadonlyMap<string, TaskState>;
  readonly warnings: readonly WarningEvent[];
}

export interface BuildState {
  readonly startedAt: number | undefined;
  readonly target: string | undefined;
  readonly stages: readonly BuildStageInfo[];
  readonly stageStatus: ReadonlyMap<string, 'running' | StageOutcome>;
  /** Announced by `build-started`; the header's total is the larger of this and the steps seen. */
  readonly totalSteps: number;
  /** Every started step, in start order. */
  readonly steps: ReadonlyMap<string, StepState>;
  /** Every warning, in order, whether tied to a step or not. */
  readonly warnings: readonly WarningEvent[];
  readonly finished: BuildFinishedEvent | undefined;
  /** The latest event time seen. */
  readonly lastTime: number | undefined;
  /** Bumped by every event that changed something. */
  readonly revision: number;
}

/** What one event changed, for renderers that print increments. */
export interface EventEffect {
  /** False when the event was dropped (it named a step never started, or one already ended). */
  readonly applied: boolean;
  readonly step: StepState | undefined;
  /** Lines of output the event completed (a step's end flushes its unfinished line). */
  readonly lines: readonly LogLine[];
  readonly task: TaskState | undefined;
}

export interface EventCollector {
  readonly state: BuildState;
  readonly sink: EventSink;
  apply(event: BuildEvent): EventEffect;
}

export interface CollectorOptions {
  /** How many complete lines of output to keep per step (default 10, as BuildKit keeps for errors). */
  readonly logLines?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface StepRecord extends Mutable<Omit<StepState, 'logs' | 'tasks' | 'warnings'>> {
  logs: LogLine[];
  tasks: Map<string, TaskState>;
  warnings: WarningEvent[];
  assembler: LineAssembler;
}

interface StateRecord extends Mutable<Omit<BuildState, 'stageStatus' | 'steps' | 'warnings' | 'stages'>> {
  stages: readonly BuildStageInfo[];
  stageStatus: Map<string, 'running' | StageOutcome>;
  steps: Map<string, StepRecord>;
  warnings: WarningEvent[];
}

const IGNORED: EventEffect = { applied: false, step: undefined, lines: [], task: undefined };

/** Folds a build's events into per-step state (status, timing, last lines of output, sub-tasks). */
export function createEventCollector(options: CollectorOptions = {}): EventCollector {
  const keep = Math.max(0, options.logLines ?? 10);
  const state: StateRecord = {
    startedAt: undefined,
    target: undefined,
    stages: [],
    stageStatus: new Map(),
    totalSteps: 0,
    steps: new Map(),
    warnings: [],
    finished: undefined,
    lastTime: undefined,
    revision: 0,
  };

  const remember = (step: StepRecord, lines: readonly LogLine[]): void => {
    step.logs.push(...lines);
    if (step.logs.length > keep) step.logs.splice(0, step.logs.length - keep);
    step.partialLog = step.assembler.partial;
  };

  const apply = (event: BuildEvent): EventEffect => {
    const effect = applyTo(state, event, remember);
    if (effect.applied) {
      state.revision++;
      state.lastTime = Math.max(state.lastTime ?? event.time, event.time);
      state.startedAt ??= event.time;
    }
    return effect;
  };
  return { state, apply, sink: (event) => void apply(event) };
}

function applyTo(
  state: StateRecord,
  event: BuildEvent,
  remember: (step: StepRecord, lines: readonly LogLine[]) => void,
): EventEffect {
  switch (event.type) {
    case 'build-started':
      state.startedAt = event.time;
      state.target = event.target;
      state.stages = event.stages;
      state.totalSteps = event.totalSteps;
      return { ...IGNORED, applied: true };
    case 'build-finished':
      state.finished = event;
      return { ...IGNORED, applied: true };
    case 'stage-started':
      state.stageStatus.set(event.stage, 'running');
      return { ...IGNORED, applied: true };
    case 'stage-finished':
      state.stageStatus.set(event.stage, event.outcome);
      return { ...IGNORED, applied: true };
    case 'step-started': {
      if (state.steps.has(event.id)) return IGNORED;
      const step: StepRecord = {
        id: event.id,
        label: event.label,
        stage: event.stage,
        order: state.steps.size,
        status: 'running',
        startedAt: event.time,
        finishedAt: undefined,
        durationMs: undefined,
        error: undefined,
        logs: [],
        partialLog: undefined,
        logBytes: 0,
        tasks: new Map(),
        warnings: [],
        assembler: new LineAssembler(),
      };
      state.steps.set(event.id, step);
      return { applied: true, step, lines: [], task: undefined };
    }
    case 'warning': {
      const step = state.steps.get(event.id);
      state.warnings.push(event);
      step?.warnings.push(event);
      return { applied: true, step, lines: [], task: undefined };
    }
    default:
      break;
  }
  const step = state.steps.get(event.id);
  if (step === undefined || step.status !== 'running') return IGNORED;
  switch (event.type) {
    case 'step-log': {
      step.logBytes += typeof event.data === 'string' ? event.data.length : event.data.byteLength;
      const lines = step.assembler.push(event.stream, event.data, event.time);
      remember(step, lines);
      return { applied: true, step, lines, task: undefined };
    }
    case 'step-status':
    case 'export-progress': {
      const name = event.type === 'step-status' ? event.name : event.task;
      const task = nextTaskState(step.tasks.get(name), {
        key: name,
        name,
        time: event.time,
        current: event.current ?? 0,
        total: event.total ?? 0,
        outcome: event.done ? 'done' : undefined,
        moving: true,
      });
      step.tasks.set(name, task);
      return { applied: true, step, lines: [], task };
    }
    case 'pull-progress':
    case 'push-progress': {
      const key = `${event.type}:${event.layer}`;
      const task = nextTaskState(step.tasks.get(key), { ...layerUpdate(event), key, name: event.layer });
      step.tasks.set(key, task);
      return { applied: true, step, lines: [], task };
    }
    case 'step-cached':
    case 'step-done':
    case 'step-failed':
    case 'step-canceled': {
      const lines = step.assembler.flush(event.time);
      remember(step, lines);
      step.finishedAt = event.time;
      step.durationMs = event.type === 'step-done' ? event.durationMs : Math.max(0, event.time - step.startedAt);
      step.status = event.type === 'step-cached' ? 'cached' : event.type === 'step-done' ? 'done' : event.type === 'step-failed' ? 'failed' : 'canceled';
      if (event.type === 'step-failed') step.error = event.error;
      return { applied: true, step, lines, task: undefined };
    }
  }
}

/** The header's counts: steps ended and steps expected (BuildKit's `(7/9)`). */
export function countSteps(state: BuildState): { readonly completed: number; readonly total: number } {
  let completed = 0;
  for (const step of state.steps.values()) if (step.status !== 'running') completed++;
  return { completed, total: Math.max(state.totalSteps, state.steps.size) };
}
