import { PLATFORM_ARGS, isProxyArg } from './builtin-args.js';
import type { BuildArgUse, PlanWarning } from './types.js';

/**
 * Which `--build-arg`s the build consumed: those an ARG of the build declared (before the first
 * FROM, or in a stage the target needs), and the ones the builder reads itself (the automatic
 * platform ARGs, the predefined proxy ARGs, `BUILDKIT_*` options and `SOURCE_DATE_EPOCH`).
 */
export function buildArgUses(buildArgs: ReadonlyMap<string, string>, declared: ReadonlySet<string>): BuildArgUse[] {
  return [...buildArgs]
    .map(([name, value]) => ({ name, value, consumed: declared.has(name) || isBuiltin(name) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isBuiltin(name: string): boolean {
  return PLATFORM_ARGS.includes(name) || isProxyArg(name) || name.startsWith('BUILDKIT_') || name === 'SOURCE_DATE_EPOCH';
}

/** docker's warning for build args nothing consumed: `[Warning] One or more build-args [A B] were not consumed`. */
export function unusedBuildArgsWarning(uses: readonly BuildArgUse[]): PlanWarning | undefined {
  const unused = uses.filter((u) => !u.consumed).map((u) => u.name);
  if (unused.length === 0) return undefined;
  return { code: 'UNUSED_BUILD_ARG', message: `[Warning] One or more build-args [${unused.join(' ')}] were not consumed` };
}
