import type { SourceRange } from '../errors/index.js';
import type { WordExpander } from './expander.js';
import type { ResolvedPlanOptions } from './options.js';
import type { ContentSource, PlannedInstruction } from './planned-instruction.js';
import type { StageState } from './stage-state.js';
import type { StepInput } from './types.js';

/** What converting one instruction needs: the stage's state (changed in place) and the scope. */
export interface ConvertContext {
  readonly state: StageState;
  /** Expands against `state.env` as it is at each call, and records the names used. */
  readonly expander: WordExpander;
  /** The command's sources from the stage graph: one for COPY, one per mount for RUN. */
  readonly sources: readonly (ContentSource | undefined)[];
  readonly options: ResolvedPlanOptions;
  /** The global scope (automatic platform ARGs and meta ARGs), which a bare `ARG NAME` reads. */
  readonly globals: ReadonlyMap<string, string>;
  /** `K=V` of the predefined proxy build args given, for RUN. */
  readonly proxyEnv: readonly string[];
  /** Names declared by the ARGs planned so far (what makes a `--build-arg` consumed). */
  readonly consumed: Set<string>;
  readonly range: SourceRange;
}

/** One converted instruction; the dispatcher adds numbering, label, scope and location. */
export interface StepDraft {
  readonly instruction: PlannedInstruction;
  readonly layer: boolean;
  readonly inputs: readonly StepInput[];
  /** Whether BuildKit numbers it in progress output (`[name n/total]`). */
  readonly numbered: boolean;
  /** Text appended to the progress label (a heredoc summary). */
  readonly labelSuffix?: string;
}
