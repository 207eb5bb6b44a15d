import type { BuildPlan, PlanStage, PlanStep, StepInput } from './types.js';

/**
 * The plan for a person: the target, every stage (what it starts from, what it needs, whether it
 * is built and in which wave, or why it is skipped), the waves, the critical path, the steps of
 * the needed stages, and the warnings.
 */
export function formatPlanText(plan: BuildPlan): string {
  const name = (index: number): string => stageName(plan.stages[index], index);
  const target = plan.stages[plan.target];
  const out: string[] = [];
  const platform =
    plan.platforms.target === plan.platforms.build
      ? plan.platforms.target
      : `${plan.platforms.target} (building on ${plan.platforms.build})`;
  const count = plan.stages.length === 1 ? 'the only stage' : `stage #${plan.target} of ${plan.stages.length}`;
  out.push(`Target: ${name(plan.target)} (${count}) for ${platform}`);
  if (target?.description !== undefined) out.push(`  ${target.description}`);

  out.push('', 'Stages');
  const width = Math.max(...plan.stages.map((s, i) => name(i).length));
  for (const stage of plan.stages) {
    const base = stage.replacedBy !== undefined ? `replaced by --build-context ${stage.replacedBy}` : baseText(stage, name);
    const status = stage.needed
      ? `wave ${(stage.wave ?? 0) + 1}${stage.index === plan.target ? ', target' : ''}`
      : `skipped: ${stage.skipReason ?? 'not needed'}`;
    out.push(`  ${String(stage.index).padStart(2)} ${name(stage.index).padEnd(width)}  ${base}  [${status}]`);
    for (const line of dependencyLines(stage, name)) out.push(`       ${' '.repeat(width)}  ${line}`);
  }

  out.push('', 'Waves (the stages of a wave can run at the same time)');
  plan.waves.forEach((wave, i) => {
    out.push(`  ${i + 1}: ${wave.map(name).join(', ')}`);
  });
  const work = plan.criticalPath.reduce((sum, i) => sum + (plan.stages[i]?.stepTotal ?? 0), 0);
  out.push('', `Critical path: ${plan.criticalPath.map(name).join(' -> ')} (${work} steps)`);

  if (plan.buildArgs.length > 0) {
    out.push('', 'Build args');
    for (const arg of plan.buildArgs) out.push(`  ${arg.name}=${arg.value}${arg.consumed ? '' : '  (not consumed)'}`);
  }

  out.push('', 'Steps');
  for (const stage of plan.stages) {
    if (!stage.needed) continue;
    out.push(`  ${name(stage.index)}:`);
    for (const step of stage.steps) {
      out.push(`    ${stepLine(step)}`);
      for (const input of step.inputs) {
        if (step.kind !== 'from') out.push(`        reads ${describeInput(input, name)}`);
      }
    }
  }

  if (plan.warnings.length > 0) {
    out.push('', 'Warnings');
    for (const warning of plan.warnings) {
      const where = warning.range === undefined ? '' : `line ${warning.range.start.line}: `;
      out.push(`  ${where}${warning.message}`);
    }
  }
  return out.join('\n') + '\n';
}

function baseText(stage: PlanStage, name: (index: number) => string): string {
  const from = stage.base;
  switch (from.kind) {
    case 'image':
      return `FROM ${from.image}${from.context !== undefined ? ` (--build-context ${from.context}: ${from.ref})` : ''}`;
    case 'stage':
      return `FROM ${name(from.stage)}`;
    case 'scratch':
      return from.context !== undefined ? `FROM ${from.context} (--build-context: scratch)` : 'FROM scratch';
    case 'context':
      return `FROM ${from.context} (--build-context directory)`;
  }
}

function stageName(stage: PlanStage | undefined, index: number): string {
  return stage?.name ?? `stage-${index}`;
}

function dependencyLines(stage: PlanStage, name: (index: number) => string): string[] {
  const lines: string[] = [];
  for (const dep of stage.dependsOn) {
    lines.push(`needs ${name(dep.stage)} (${viaText(dep.via)}, line ${dep.range.start.line})`);
  }
  for (const image of stage.images) {
    lines.push(`reads image ${image.image} (${viaText(image.via)}, line ${image.range.start.line})`);
  }
  return lines;
}

function viaText(via: string): string {
  switch (via) {
    case 'copy':
      return 'COPY --from';
    case 'mount':
      return 'RUN --mount from';
    case 'onbuild':
      return 'ONBUILD trigger';
    default:
      return via;
  }
}

/** Config-only steps (no progress number) are indented under the numbered ones. */
function stepLine(step: PlanStep): string {
  if (step.number !== undefined) return step.label;
  return `  ${step.onbuild ? 'ONBUILD ' : ''}${step.label}`;
}

function describeInput(input: StepInput, name: (index: number) => string): string {
  switch (input.kind) {
    case 'context':
      return `${input.name !== undefined ? `build context ${input.name}` : 'context'} ${input.paths.join(' ')}`;
    case 'stage':
      return `stage ${name(input.stage)} ${input.paths.join(' ')}`;
    case 'image':
      return `image ${input.ref} ${input.paths.join(' ')}`;
    case 'url':
      return `url ${input.url}`;
    case 'git':
      return `git ${input.url}`;
  }
}
