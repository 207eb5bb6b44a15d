import type { Stage, StageCommand } from '../dockerfile/instructions/index.js';
import type { SourceRange } from '../errors/index.js';
import { formatPlatform } from '../oci/index.js';
import type { Platform } from '../oci/index.js';
import { configLabel } from './config-label.js';
import type { ConvertContext, StepDraft } from './convert-context.js';
import { convertInstruction } from './convert-instruction.js';
import { WordExpander } from './expander.js';
import type { ResolvedPlanOptions } from './options.js';
import { atInstruction, planError } from './plan-error.js';
import type { ResolvedBase } from './stage-bases.js';
import type { StageGraph } from './stage-graph.js';
import { stageId } from './stage-refs.js';
import { StageState } from './stage-state.js';
import { stepPrefix, stepText } from './step-label.js';
import type { TriggerCommand } from './triggers.js';
import type { PlannedFrom } from './planned-instruction.js';
import type { PlanStep, StageBase } from './types.js';

export interface DispatchInput {
  readonly stage: Stage;
  readonly stages: readonly Stage[];
  /** The stage's progress id ('' in a single-stage build). */
  readonly id: string;
  readonly base: ResolvedBase;
  readonly platform: Platform;
  /** The final state of the base stage, for a stage built on another stage. */
  readonly parent: StageState | undefined;
  readonly graph: StageGraph;
  readonly options: ResolvedPlanOptions;
  readonly globals: ReadonlyMap<string, string>;
  readonly proxyEnv: readonly string[];
  readonly consumed: Set<string>;
}

const NUMBERED_KINDS: ReadonlySet<string> = new Set(['add', 'copy', 'run', 'workdir']);

/**
 * BuildKit's cmdTotal: the FROM of an image (or of a named context), each ADD/COPY/RUN/WORKDIR,
 * each ONBUILD trigger; none for a stage a named context replaces.
 */
export function countSteps(stage: Stage, base: ResolvedBase, triggers: readonly TriggerCommand[]): number {
  if (base.replacedBy !== undefined) return 0;
  const own = stage.commands.filter((c) => NUMBERED_KINDS.has(c.kind)).length;
  return (base.base.kind === 'image' || base.base.kind === 'context' ? 1 : 0) + own + triggers.length;
}

/**
 * Plans one needed stage, in order: the FROM of an image, the ONBUILD triggers of its base,
 * then its own instructions, each expanded against the scope at that point.
 */
export function dispatchStage(input: DispatchInput): { steps: PlanStep[]; state: StageState; stepTotal: number } {
  const { stage, base, options } = input;
  const triggers = input.graph.triggers.get(stage.index) ?? [];
  const stepTotal = countSteps(stage, base, triggers);
  const state =
    input.parent?.inherit() ??
    StageState.fromImage(base.base.kind === 'image' ? options.baseImage(base.base.ref) : undefined, input.platform);
  const steps: PlanStep[] = [];
  let counter = 0;
  const prefix = (onbuild: boolean): string => (stepTotal === 0 ? '' : stepPrefix(input.id, ++counter, stepTotal, onbuild));

  if (base.base.kind === 'image' || base.base.kind === 'context') {
    // a named context's load takes the FROM's number but is shown as BuildKit names it
    const numbered = prefix(false);
    const from = fromOf(base.base, formatPlatform(input.platform));
    steps.push({
      stage: stage.index,
      index: 0,
      number: from.context === undefined ? counter : undefined,
      label: from.context === undefined ? `${numbered}FROM ${from.ref}` : namedContextLabel(from),
      kind: 'from',
      onbuild: false,
      range: stage.range,
      instruction: from,
      layer: false,
      workdir: state.workdir,
      visible: [...input.globals.keys()].sort(),
      used: [...base.fromArgs],
      inputs: [base.base.kind === 'context' ? { kind: 'context', name: base.base.context, paths: ['/'] } : { kind: 'image', ref: base.base.ref, paths: ['/'] }],
    });
  }
  // a stage a named context replaces is that context: none of its instructions run
  if (base.replacedBy !== undefined) return { steps, state, stepTotal };

  const commands: { command: StageCommand; onbuild: boolean; range: SourceRange }[] = [
    ...triggers.map((t) => ({ command: t.instruction, onbuild: true, range: stage.range })),
    ...stage.commands.map((command) => ({ command, onbuild: false, range: command.range })),
  ];
  for (const { command, onbuild, range } of commands) {
    const step = atInstruction(range, options.file, () => {
      checkSourcesDefined(command, input, range);
      const visible = state.visibleNames();
      const labelText = stepText(command, state.env, options.escapeChar);
      const expander = new WordExpander(state.env, options.escapeChar);
      const context: ConvertContext = {
        state,
        expander,
        sources: input.graph.sources.get(command) ?? [],
        options,
        globals: input.globals,
        proxyEnv: input.proxyEnv,
        consumed: input.consumed,
        range,
      };
      const draft: StepDraft = convertInstruction(command, context);
      const number = draft.numbered ? counter + 1 : undefined;
      const label = draft.numbered
        ? prefix(onbuild) + labelText + (draft.labelSuffix ?? '')
        : (configLabel(draft.instruction) ?? labelText);
      return {
        stage: stage.index,
        index: steps.length,
        number: stepTotal === 0 ? undefined : number,
        label,
        kind: command.kind,
        onbuild,
        range,
        instruction: draft.instruction,
        layer: draft.layer,
        workdir: state.workdir,
        visible,
        used: expander.usedNames(),
        inputs: draft.inputs,
      } satisfies PlanStep;
    });
    steps.push(step);
  }
  return { steps, state, stepTotal };
}

/** A stage can only read from stages above it (BuildKit: "needs to be defined before"). */
function checkSourcesDefined(command: StageCommand, input: DispatchInput, range: SourceRange): void {
  const sources = input.graph.sources.get(command) ?? [];
  sources.forEach((source, i) => {
    if (source?.kind !== 'stage' || source.stage < input.stage.index) return;
    const other = input.stages[source.stage];
    const otherId = other === undefined ? String(source.stage) : stageId(other);
    const selfId = stageId(input.stage);
    const message =
      command.kind === 'copy'
        ? `cannot copy from stage ${JSON.stringify(command.from ?? otherId)}, it needs to be defined before current stage ${JSON.stringify(selfId)}`
        : `cannot mount from stage ${JSON.stringify(otherId)}${mountTarget(command, i)}, stage needs to be defined before current command`;
    throw planError(source.stage === input.stage.index ? 'STAGE_CYCLE' : 'UNKNOWN_STAGE', message, range, {
      file: input.options.file,
      hint:
        source.stage === input.stage.index
          ? `stage ${JSON.stringify(selfId)} cannot read from itself`
          : `move stage ${JSON.stringify(otherId)} above stage ${JSON.stringify(selfId)}`,
    });
  });
}

function mountTarget(command: StageCommand, index: number): string {
  if (command.kind !== 'run') return '';
  const target = command.mounts[index]?.mount?.target;
  return target === undefined ? '' : ` to ${JSON.stringify(target)}`;
}

/** The FROM step of an image or a named context (a directory context is named by itself). */
function fromOf(base: Extract<StageBase, { kind: 'image' | 'context' }>, platform: string): PlannedFrom {
  if (base.kind === 'context') return { kind: 'from', image: base.context, ref: base.context, platform, context: base.context };
  return { kind: 'from', image: base.image, ref: base.ref, platform, ...(base.context !== undefined ? { context: base.context } : {}) };
}

/** BuildKit's progress name of a named context's load: `[context NAME] load from client` or `[context NAME] REF`. */
function namedContextLabel(from: PlannedFrom): string {
  return `[context ${from.context ?? from.image}] ${from.ref === from.context ? 'load from client' : from.ref}`;
}
