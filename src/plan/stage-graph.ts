import type { Stage, StageCommand } from '../dockerfile/instructions/index.js';
import type { SourceRange } from '../errors/index.js';
import { planError } from './plan-error.js';
import type { ContentSource } from './planned-instruction.js';
import { mountFromOf } from './mount-from.js';
import type { ResolvedBase } from './stage-bases.js';
import { resolveCopyFrom, resolveMountFrom, stageId } from './stage-refs.js';
import type { RefContext } from './stage-refs.js';
import type { TriggerCommand } from './triggers.js';
import type { DependencyKind, ImageDependency, StageDependency } from './types.js';

/**
 * The stage graph: what each command reads from (`COPY --from`, `RUN --mount=from=`), and the
 * edges that follow. Sources are indexed by command: one for COPY, one per mount for RUN
 * (undefined where the command reads the build context or nothing).
 */
export class StageGraph {
  readonly sources = new Map<StageCommand, readonly (ContentSource | undefined)[]>();
  readonly triggers = new Map<number, readonly TriggerCommand[]>();
  readonly dependsOn: StageDependency[][];
  readonly images: ImageDependency[][];
  /** References that are no stage (images, scratch), which BuildKit counts as extra states. */
  unregisteredRefs = 0;

  constructor(stageCount: number) {
    this.dependsOn = Array.from({ length: stageCount }, () => []);
    this.images = Array.from({ length: stageCount }, () => []);
  }

  link(stage: number, command: StageCommand, via: DependencyKind, context: RefContext, range?: SourceRange): ContentSource[] {
    const sources = commandSources(command, context, range);
    const where = range ?? command.range;
    this.sources.set(command, sources);
    for (const source of sources) {
      if (source === undefined) continue;
      if (source.kind === 'stage') {
        this.dependsOn[stage]?.push({ stage: source.stage, via, range: where });
      } else {
        if (via !== 'onbuild') this.unregisteredRefs++;
        if (source.kind === 'image') this.images[stage]?.push({ image: source.image, ref: source.ref, via, range: where });
      }
    }
    return sources.filter((s) => s !== undefined);
  }
}

/** `range` (a trigger's location) replaces the command's own ranges in errors when given. */
function commandSources(command: StageCommand, context: RefContext, range?: SourceRange): (ContentSource | undefined)[] {
  if (command.kind === 'copy') {
    return [command.from === undefined ? undefined : resolveCopyFrom(command.from, range ?? command.range, context)];
  }
  if (command.kind === 'run') {
    return command.mounts.map((mount) => {
      const from = mountFromOf(mount);
      // BuildKit gives every mount a source state; one without `from` reads the context (bind) or
      // nothing (cache, tmpfs, ...), which it models as an unregistered scratch state.
      return from === undefined ? undefined : resolveMountFrom(from, range ?? mount.range, context);
    });
  }
  return [];
}

/**
 * Links every command of every stage and rejects dependency cycles (BuildKit's
 * validateCircularDependency). The commands of a stage a named context replaces are not linked:
 * they never run, so what they read is not needed.
 */
export function buildStageGraph(stages: readonly Stage[], context: RefContext, replaced: ReadonlySet<number> = new Set()): StageGraph {
  const graph = new StageGraph(stages.length);
  for (const stage of stages) {
    if (replaced.has(stage.index)) continue;
    for (const command of stage.commands) {
      graph.link(stage.index, command, command.kind === 'copy' ? 'copy' : 'mount', context);
      if (command.kind === 'run') graph.unregisteredRefs += command.mounts.filter((m) => mountFromOf(m) === undefined).length;
    }
  }
  rejectCycles(stages, graph, context.file);
  return graph;
}

function rejectCycles(stages: readonly Stage[], graph: StageGraph, file: string | undefined): void {
  const visited = new Set<number>();
  const onPath = new Set<number>();
  const visit = (index: number, trail: readonly StageDependency[]): readonly StageDependency[] | undefined => {
    if (visited.has(index)) return undefined;
    visited.add(index);
    onPath.add(index);
    for (const dep of graph.dependsOn[index] ?? []) {
      const next = [...trail, dep];
      if (onPath.has(dep.stage)) return next;
      const cycle = visit(dep.stage, next);
      if (cycle !== undefined) return cycle;
    }
    onPath.delete(index);
    return undefined;
  };
  for (const stage of stages) {
    const cycle = visit(stage.index, []);
    if (cycle === undefined) continue;
    const [first, ...rest] = cycle;
    if (first === undefined) continue;
    const error = planError('STAGE_CYCLE', `circular dependency detected on stage: ${stageId(stage)}`, first.range, {
      file,
      hint: 'a stage can only copy or mount from stages above it',
    });
    throw rest.reduce((e, dep) => e.withLocation(dep.range, file), error);
  }
}

/**
 * The stages the target needs: its base stage and every stage it copies or mounts from, and so on.
 * As in BuildKit, the ONBUILD triggers of a needed stage are linked once it is needed (their
 * `--from`s may make more stages needed), until nothing changes.
 */
export function neededStages(
  target: number,
  bases: readonly ResolvedBase[],
  graph: StageGraph,
  context: RefContext,
  triggersFor: (stage: number) => readonly TriggerCommand[],
): Set<number> {
  for (;;) {
    const needed = reachableFrom(target, bases, graph);
    let added = false;
    for (const index of [...needed].sort((a, b) => a - b)) {
      if (graph.triggers.has(index)) continue;
      const triggers = triggersFor(index);
      graph.triggers.set(index, triggers);
      for (const trigger of triggers) {
        const linked = graph.link(index, trigger.instruction, 'onbuild', context, trigger.range);
        if (linked.some((s) => s.kind === 'stage')) added = true;
      }
    }
    if (!added) return needed;
  }
}

function reachableFrom(target: number, bases: readonly ResolvedBase[], graph: StageGraph): Set<number> {
  const needed = new Set<number>();
  const stack = [target];
  for (let index = stack.pop(); index !== undefined; index = stack.pop()) {
    if (needed.has(index)) continue;
    needed.add(index);
    const base = bases[index]?.base;
    if (base?.kind === 'stage') stack.push(base.stage);
    for (const dep of graph.dependsOn[index] ?? []) stack.push(dep.stage);
  }
  return needed;
}
