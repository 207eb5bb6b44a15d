import { BuildError, suggestClosest } from '../errors/index.js';
import { ENTITLEMENTS, isEntitlement } from '../solve/entitlements.js';
import type { Entitlement } from '../solve/entitlements.js';

/**
 * `--allow` values (repeatable, each may list several separated by commas, as buildx takes them):
 * the entitlements `network.host` and `security.insecure`, each once, in the order first given.
 */
export function parseAllowOptions(values: readonly string[]): Entitlement[] {
  const allowed: Entitlement[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      const name = part.trim();
      if (name === '') continue;
      if (!isEntitlement(name)) {
        const closest = suggestClosest(name, ENTITLEMENTS);
        throw new BuildError('USAGE', `invalid --allow ${JSON.stringify(name)}: not an entitlement`, {
          hint: `${closest !== undefined ? `did you mean ${JSON.stringify(closest)}? ` : ''}the entitlements are ${ENTITLEMENTS.join(' and ')}`,
        });
      }
      if (!allowed.includes(name)) allowed.push(name);
    }
  }
  return allowed;
}
