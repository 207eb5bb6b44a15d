import { describe, expect, it } from 'vitest';
import { parseStages } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import { BuildError } from '../errors/index.js';
import type { BuildPlan } from '../plan/index.js';
import { planBuild } from '../plan/index.js';
import { checkEntitlements, grantedEntitlements, isEntitlement } from './entitlements.js';
import type { Entitlement } from './entitlements.js';

function plan(text: string, target?: string): BuildPlan {
  return planBuild(parseStages(parseDockerfile(text)), { hostPlatform: { os: 'linux', architecture: 'amd64' }, ...(target !== undefined ? { target } : {}) });
}

function check(text: string, allow: readonly Entitlement[], network: 'host' | 'none', target?: string): BuildError | undefined {
  try {
    checkEntitlements(plan(text, target), { granted: grantedEntitlements(allow, network), file: 'Dockerfile' });
    return undefined;
  } catch (err) {
    if (err instanceof BuildError) return err;
    throw err;
  }
}

const INSECURE = 'FROM scratch\nRUN true\nRUN --security=insecure mount -t tmpfs none /mnt\n';
const HOST = 'FROM scratch\nRUN --network=host true\n';

describe('grantedEntitlements', () => {
  it.each([
    { allow: [] as Entitlement[], network: 'host' as const, expected: ['network.host'] },
    { allow: [] as Entitlement[], network: 'none' as const, expected: [] },
    { allow: ['security.insecure'] as Entitlement[], network: 'none' as const, expected: ['security.insecure'] },
    { allow: ['network.host', 'security.insecure'] as Entitlement[], network: 'none' as const, expected: ['network.host', 'security.insecure'] },
  ])('--allow $allow with --network $network grants $expected', ({ allow, network, expected }) => {
    expect([...grantedEntitlements(allow, network)].sort()).toEqual(expected);
  });
});

describe('checkEntitlements', () => {
  it.each([
    { name: 'insecure without --allow', text: INSECURE, allow: [] as Entitlement[], network: 'host' as const, denied: 'security.insecure', line: 3 },
    { name: 'insecure with --allow security.insecure', text: INSECURE, allow: ['security.insecure'] as Entitlement[], network: 'host' as const, denied: undefined, line: 0 },
    { name: 'network=host on the host build network', text: HOST, allow: [] as Entitlement[], network: 'host' as const, denied: undefined, line: 0 },
    { name: 'network=host when the build network is none', text: HOST, allow: [] as Entitlement[], network: 'none' as const, denied: 'network.host', line: 2 },
    { name: 'network=host allowed explicitly', text: HOST, allow: ['network.host'] as Entitlement[], network: 'none' as const, denied: undefined, line: 0 },
    { name: 'network=none and sandbox need nothing', text: 'FROM scratch\nRUN --network=none --security=sandbox true\n', allow: [] as Entitlement[], network: 'none' as const, denied: undefined, line: 0 },
  ])('$name', ({ text, allow, network, denied, line }) => {
    const err = check(text, allow, network);
    if (denied === undefined) {
      expect(err).toBeUndefined();
      return;
    }
    expect(err?.code).toBe('ENTITLEMENT_NOT_ALLOWED');
    expect(err?.message).toContain(denied);
    expect(err?.hint).toContain(`--allow ${denied}`);
    expect(err?.locations[0]?.start.line).toBe(line);
    expect(err?.file).toBe('Dockerfile');
  });

  it('only the stages the target needs are checked', () => {
    const text = 'FROM scratch AS risky\nRUN --security=insecure true\nFROM scratch AS safe\nRUN true\n';
    expect(check(text, [], 'host', 'safe')).toBeUndefined();
    expect(check(text, [], 'host', 'risky')?.code).toBe('ENTITLEMENT_NOT_ALLOWED');
  });

  it('knows the two entitlements by name', () => {
    expect(['network.host', 'security.insecure', 'device', 'NETWORK.HOST'].map(isEntitlement)).toEqual([true, true, false, false]);
  });
});
