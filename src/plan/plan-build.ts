import type { ParsedDockerfile, Stage } from '../dockerfile/instructions/index.js';
import { formatPlatform } from '../oci/index.js';
import type { Platform } from '../oci/index.js';
import { buildArgUses, unusedBuildArgsWarning } from './build-args.js';
import { automaticArgs, isProxyArg } from './builtin-args.js';
import { dispatchStage } from './dispatch-stage.js';
import { evaluateMetaArgs } from './meta-args.js';
import { resolvePlanOptions } from './options.js';
import type { PlanOptions } from './options.js';
import { resolveStageBases } from './stage-bases.js';
import type { ResolvedBase } from './stage-bases.js';
import { buildStageGraph, neededStages } from './stage-graph.js';
import type { RefContext } from './stage-refs.js';
import { stageId } from './stage-refs.js';
import type { StageState } from './stage-state.js';
import { resolveTarget } from './target.js';
import { triggersOf } from './triggers.js';
import type { BuildPlan, PlanStage, PlanStep, PlanWarning } from './types.js';
import { computeWaves, criticalPath } from './waves.js';

/**
 * Plans a build of `dockerfile` with BuildKit's semantics: global ARGs and FROM expansion, the
 * stage graph (bases, `COPY --from`, `RUN --mount=from=`, ONBUILD triggers of base stages and images), the
 * target and the stages it needs, waves of stages that can run at the same time, and every step
 * of every needed stage with its words expanded in its ARG/ENV scope. Pure: no I/O.
 *
 * Errors are BuildErrors located at the instruction (UNKNOWN_TARGET, UNKNOWN_STAGE, STAGE_CYCLE,
 * EXPANSION_FAILED, INVALID_REFERENCE, ...), raised in BuildKit's order: FROM lines, target, stage
 * graph, then the needed stages in file order. Skipped stages are not expanded, so they cannot fail.
 */
export function planBuild(dockerfile: ParsedDockerfile, options: PlanOptions): BuildPlan {
  const resolved = resolvePlanOptions(options);
  const { stages } = dockerfile;
  const warnings: PlanWarning[] = [];
  const lastStage = stages[stages.length - 1];
  const targetStage = resolved.target ?? lastStage?.name ?? '';
  const automatic = automaticArgs({
    build: resolved.hostPlatform,
    target: resolved.targetPlatform,
    targetStage,
    buildArgs: resolved.buildArgs,
  });
  const globals = evaluateMetaArgs(dockerfile.metaArgs, {
    automatic,
    buildArgs: resolved.buildArgs,
    escapeChar: resolved.escapeChar,
    file: resolved.file,
  });
  const based = resolveStageBases(stages, {
    globals: globals.env,
    escapeChar: resolved.escapeChar,
    file: resolved.file,
    namedContexts: resolved.namedContexts,
  });
  warnings.push(...based.warnings);
  const target = resolveTarget(stages, resolved.target, resolved.file);
  const refs: RefContext = { stages, escapeChar: resolved.escapeChar, file: resolved.file, warnings, namedContexts: resolved.namedContexts };
  const replaced = new Set(based.bases.flatMap((b, i) => (b.replacedBy !== undefined ? [i] : [])));
  const graph = buildStageGraph(stages, refs, replaced);
  const needed = neededStages(target.index, based.bases, graph, refs, (index) => {
    const stage = stages[index];
    const base = based.bases[index]?.base;
    if (stage === undefined || base === undefined || replaced.has(index)) return [];
    return triggersOf(stage, base, stages, resolved);
  });

  const singleStage = stages.length === 1 && graph.unregisteredRefs === 0;
  const proxyEnv = [...resolved.buildArgs]
    .filter(([name]) => isProxyArg(name))
    .map(([name, value]) => `${name}=${value}`)
    .sort();
  const declared = new Set(globals.declared);
  const finalStates = new Map<number, StageState>();
  // A stage built on another stage builds for that stage's platform; else for its --platform or the target's.
  const platforms: Platform[] = [];
  for (const stage of stages) {
    const base = based.bases[stage.index];
    const inherited = base?.base.kind === 'stage' ? platforms[base.base.stage] : undefined;
    platforms.push(inherited ?? base?.platform ?? resolved.targetPlatform);
  }
  const planned = new Map<number, { steps: PlanStep[]; stepTotal: number }>();
  for (const stage of stages) {
    if (!needed.has(stage.index)) continue;
    const base = based.bases[stage.index] as ResolvedBase;
    const parent = base.base.kind === 'stage' ? finalStates.get(base.base.stage) : undefined;
    const platform = platforms[stage.index] ?? resolved.targetPlatform;
    const result = dispatchStage({
      stage,
      stages,
      id: singleStage ? '' : stageId(stage),
      base,
      platform,
      parent,
      graph,
      options: resolved,
      globals: globals.env,
      proxyEnv,
      consumed: declared,
    });
    finalStates.set(stage.index, result.state);
    planned.set(stage.index, { steps: result.steps, stepTotal: result.stepTotal });
  }

  const dependencies = (index: number): number[] => {
    const base = based.bases[index]?.base;
    const deps = (graph.dependsOn[index] ?? []).map((d) => d.stage);
    return base?.kind === 'stage' ? [base.stage, ...deps] : deps;
  };
  const { waves, waveOf } = computeWaves(needed, dependencies);
  const critical = criticalPath(target.index, dependencies, (i) => Math.max(1, planned.get(i)?.stepTotal ?? 0));
  const uses = buildArgUses(resolved.buildArgs, declared);
  const unused = unusedBuildArgsWarning(uses);
  if (unused !== undefined) warnings.push(unused);

  return {
    target: target.index,
    platforms: { build: formatPlatform(resolved.hostPlatform), target: formatPlatform(resolved.targetPlatform) },
    globalArgs: [...globals.env].map(([name, value]) => ({ name, value })),
    stages: stages.map((stage) =>
      planStage(stage, {
        base: based.bases[stage.index] as ResolvedBase,
        needed: needed.has(stage.index),
        targetName: stageId(target),
        id: singleStage ? '' : stageId(stage),
        platform: platforms[stage.index] ?? resolved.targetPlatform,
        wave: waveOf.get(stage.index),
        planned: planned.get(stage.index),
        graph: { dependsOn: graph.dependsOn[stage.index] ?? [], images: graph.images[stage.index] ?? [] },
        afterTarget: stage.index > target.index,
      }),
    ),
    waves,
    criticalPath: critical,
    buildArgs: uses,
    warnings,
  };
}

function planStage(
  stage: Stage,
  facts: {
    base: ResolvedBase;
    needed: boolean;
    targetName: string;
    id: string;
    platform: Platform;
    wave: number | undefined;
    planned: { steps: PlanStep[]; stepTotal: number } | undefined;
    graph: Pick<PlanStage, 'dependsOn' | 'images'>;
    afterTarget: boolean;
  },
): PlanStage {
  const skipReason = facts.needed
    ? undefined
    : facts.afterTarget
      ? `comes after the target stage ${JSON.stringify(facts.targetName)}`
      : `the target stage ${JSON.stringify(facts.targetName)} does not need it`;
  return {
    index: stage.index,
    name: stage.name,
    id: facts.id,
    range: stage.range,
    description: stage.description,
    base: facts.base.base,
    platform: formatPlatform(facts.platform),
    fromArgs: facts.base.fromArgs,
    ...(facts.base.replacedBy !== undefined ? { replacedBy: facts.base.replacedBy } : {}),
    needed: facts.needed,
    skipReason,
    dependsOn: facts.graph.dependsOn,
    images: facts.graph.images,
    wave: facts.wave,
    stepTotal: facts.planned?.stepTotal ?? 0,
    steps: facts.planned?.steps ?? [],
  };
}
