import type { Stage } from '../dockerfile/instructions/index.js';
import { BuildError, suggestClosest } from '../errors/index.js';
import { didYouMean } from './plan-error.js';
import { findStageByName } from './stage-refs.js';

/**
 * The stage to build: `--target` names one (case-insensitive; unknown names are UNKNOWN_TARGET with
 * a "did you mean"), and without it the last stage is the target.
 */
export function resolveTarget(stages: readonly Stage[], target: string | undefined, file: string | undefined): Stage {
  const last = stages[stages.length - 1];
  if (last === undefined) throw new Error('invariant failed: a parsed Dockerfile has at least one stage');
  if (target === undefined) return last;
  const found = findStageByName(stages, target);
  if (found !== undefined) return found;
  const names = stages.flatMap((s) => (s.name === undefined ? [] : [s.name]));
  const suggestion = didYouMean(suggestClosest(target, names));
  const known = names.length === 0 ? 'the Dockerfile names no stages (FROM ... AS name)' : `stages: ${names.join(', ')}`;
  throw new BuildError('UNKNOWN_TARGET', `target stage ${JSON.stringify(target)} could not be found`, {
    ...(file !== undefined ? { file } : {}),
    hint: suggestion === undefined ? known : `${suggestion} (${known})`,
    details: { target, stages: names },
  });
}
