import type { InstructionKind } from '../dockerfile/instructions/index.js';
import type { SourceRange } from '../errors/index.js';
import type { PlannedInstruction } from './planned-instruction.js';

/**
 * What a build will do, decided before anything runs: the stages and how they depend on each other,
 * which of them the target needs, which can run at the same time, and every step with its words
 * expanded. Plain data (JSON-serialisable): `stagecraft plan --format json` prints it as is.
 */
export interface BuildPlan {
  /** The target stage's index. */
  readonly target: number;
  readonly platforms: { readonly build: string; readonly target: string };
  /** The variables FROM lines see: the automatic platform ARGs and the ARGs before the first FROM. */
  readonly globalArgs: readonly NamedValue[];
  /** Every stage of the Dockerfile in order, needed or not. */
  readonly stages: readonly PlanStage[];
  /** Needed stages grouped into waves: a stage's dependencies are all in earlier waves. */
  readonly waves: readonly (readonly number[])[];
  /** The chain of needed stages, ending at the target, with the most work (numbered steps). */
  readonly criticalPath: readonly number[];
  /** Each `--build-arg` and whether an ARG consumed it. */
  readonly buildArgs: readonly BuildArgUse[];
  readonly warnings: readonly PlanWarning[];
}

export interface NamedValue {
  readonly name: string;
  readonly value: string;
}

export interface BuildArgUse extends NamedValue {
  readonly consumed: boolean;
}

export type PlanWarningCode =
  /** A `--build-arg` that no ARG of the build declared (docker's "were not consumed" warning). */
  | 'UNUSED_BUILD_ARG'
  /** `FROM x` where `x` is the name of a *later* stage: it is pulled as an image, as BuildKit does. */
  | 'FROM_LATER_STAGE'
  /** `--from=x` where `x` is no stage but looks like a misspelt stage name: it is pulled as an image. */
  | 'FROM_UNKNOWN_STAGE';

export interface PlanWarning {
  readonly code: PlanWarningCode;
  readonly message: string;
  readonly range?: SourceRange;
}

/**
 * What a stage starts from. `context` is set when a `--build-context` named `context` stands in
 * for the image (or for the stage itself); `kind: 'context'` is a named context that is a directory.
 */
export type StageBase =
  | { readonly kind: 'image'; readonly image: string; readonly ref: string; readonly context?: string }
  | { readonly kind: 'stage'; readonly stage: number }
  | { readonly kind: 'scratch'; readonly context?: string }
  | { readonly kind: 'context'; readonly context: string };

export type DependencyKind = 'from' | 'copy' | 'mount' | 'onbuild';

/** An edge of the stage graph: this stage needs stage `stage` (through `via`, written at `range`). */
export interface StageDependency {
  readonly stage: number;
  readonly via: DependencyKind;
  readonly range: SourceRange;
}

/** An image a stage reads from besides its base: `COPY --from=<image>`, `RUN --mount=from=<image>`. */
export interface ImageDependency {
  readonly image: string;
  readonly ref: string;
  readonly via: DependencyKind;
  readonly range: SourceRange;
}

export interface PlanStage {
  readonly index: number;
  /** The `AS` name (lowercase), if any. */
  readonly name: string | undefined;
  /** How progress names it: the name, else `stage-<index>`; '' when the build has one stage only. */
  readonly id: string;
  readonly range: SourceRange;
  readonly description: string | undefined;
  readonly base: StageBase;
  /** The platform the stage builds for, `os/arch[/variant]`. */
  readonly platform: string;
  /** Global ARGs its FROM line used. */
  readonly fromArgs: readonly string[];
  /** The `--build-context` that replaces the whole stage (its instructions are not run), if any. */
  readonly replacedBy?: string;
  readonly needed: boolean;
  /** Why a stage is not built (undefined for needed stages). */
  readonly skipReason: string | undefined;
  readonly dependsOn: readonly StageDependency[];
  readonly images: readonly ImageDependency[];
  /** The wave a needed stage runs in; undefined for skipped ones. */
  readonly wave: number | undefined;
  /** BuildKit's step count (`[name n/TOTAL]`): the FROM of an image, RUN, COPY, ADD, WORKDIR, triggers. */
  readonly stepTotal: number;
  /** The steps of a needed stage, ONBUILD triggers of its base stage first; empty for skipped ones. */
  readonly steps: readonly PlanStep[];
}

/** Where a step's files come from, for its cache key. */
export type StepInput =
  | { readonly kind: 'context'; readonly paths: readonly string[]; readonly name?: string }
  | { readonly kind: 'stage'; readonly stage: number; readonly paths: readonly string[] }
  | { readonly kind: 'image'; readonly ref: string; readonly paths: readonly string[] }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'git'; readonly url: string };

export interface PlanStep {
  readonly stage: number;
  /** The step's position in its stage, from 0. */
  readonly index: number;
  /** BuildKit's progress number (`[builder 3/5]`); undefined for steps that only change the config. */
  readonly number: number | undefined;
  /**
   * The progress line, `[builder 3/5] RUN npm install`; for a step that only changes the config,
   * the instruction as expanded (`ENV A=1`, `CMD ["/bin/sh", "-c", "x"]`).
   */
  readonly label: string;
  readonly kind: InstructionKind;
  /** True for an ONBUILD trigger of the base stage, run at the start of this stage. */
  readonly onbuild: boolean;
  readonly range: SourceRange;
  readonly instruction: PlannedInstruction;
  /** Whether the step changes the file system (its history entry is not `empty_layer`). */
  readonly layer: boolean;
  /** The working directory the step runs in (for WORKDIR: the new one). */
  readonly workdir: string;
  /** Every variable name the step can see: ENV (the base image's too) and ARGs in scope, sorted. */
  readonly visible: readonly string[];
  /** The names its expanded words referenced, set or not, sorted. */
  readonly used: readonly string[];
  readonly inputs: readonly StepInput[];
}
