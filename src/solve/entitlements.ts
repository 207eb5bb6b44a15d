import { BuildError } from '../errors/index.js';
import type { BuildPlan, PlanStep } from '../plan/index.js';

/** What a build may do beyond the sandbox, when the user allows it (buildx's `--allow`). */
export type Entitlement = 'network.host' | 'security.insecure';

export const ENTITLEMENTS: readonly Entitlement[] = ['network.host', 'security.insecure'];

export function isEntitlement(value: string): value is Entitlement {
  return (ENTITLEMENTS as readonly string[]).includes(value);
}

/**
 * The entitlements a build has: those allowed on the command line, and `network.host` when the
 * build's own network is the host's (buildx grants it with `--network host`; host is our default).
 */
export function grantedEntitlements(allow: readonly Entitlement[], network: 'host' | 'none'): ReadonlySet<Entitlement> {
  const granted = new Set(allow);
  if (network === 'host') granted.add('network.host');
  return granted;
}

/** The entitlements one step needs: a RUN that asks for the host's network or for insecure mode. */
export function stepEntitlements(step: PlanStep): Entitlement[] {
  const i = step.instruction;
  if (i.kind !== 'run') return [];
  const needs: Entitlement[] = [];
  if (i.network === 'host') needs.push('network.host');
  if (i.security === 'insecure') needs.push('security.insecure');
  return needs;
}

const FLAG: Readonly<Record<Entitlement, string>> = {
  'network.host': 'RUN --network=host',
  'security.insecure': 'RUN --security=insecure',
};

const HINT: Readonly<Record<Entitlement, string>> = {
  'network.host': 'allow it with `stagecraft build --allow network.host ...` (or build with --network host, the default)',
  'security.insecure': 'allow it with `stagecraft build --allow security.insecure ...`: the step then runs privileged (every capability, host devices)',
};

/**
 * Checks, before anything runs, that every RUN of the stages the build needs asks for no more
 * than the build was allowed: as BuildKit checks each exec op of the graph when it loads it. The
 * first one that does is an ENTITLEMENT_NOT_ALLOWED error at its Dockerfile line.
 */
export function checkEntitlements(plan: BuildPlan, options: { readonly granted: ReadonlySet<Entitlement>; readonly file?: string }): void {
  for (const stage of plan.stages) {
    if (!stage.needed) continue;
    for (const step of stage.steps) {
      const missing = stepEntitlements(step).find((e) => !options.granted.has(e));
      if (missing === undefined) continue;
      throw new BuildError('ENTITLEMENT_NOT_ALLOWED', `${FLAG[missing]} needs the entitlement ${missing}, which this build does not allow`, {
        locations: [step.range],
        ...(options.file !== undefined ? { file: options.file } : {}),
        hint: HINT[missing],
        details: { entitlement: missing },
      });
    }
  }
}
