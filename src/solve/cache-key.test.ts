import { describe, expect, it } from 'vitest';
import { toDigest } from '../oci/index.js';
import type { PlannedInstruction } from '../plan/index.js';
import { baseCacheKey, canonicalJson, stepCacheKey, toCacheKey } from './cache-key.js';

const base = baseCacheKey({ kind: 'image', manifest: toDigest(`sha256:${'a'.repeat(64)}`), platform: 'linux/amd64' });
const run = (over: Partial<Extract<PlannedInstruction, { kind: 'run' }>> = {}): PlannedInstruction => ({
  kind: 'run',
  args: ['/bin/sh', '-c', 'npm install'],
  shellForm: true,
  mounts: [],
  network: 'default',
  security: 'sandbox',
  env: ['PATH=/bin'],
  proxyEnv: [],
  buildArgs: [],
  user: '',
  ...over,
});
const copy = (over: Partial<Extract<PlannedInstruction, { kind: 'copy' }>> = {}): PlannedInstruction => ({
  kind: 'copy',
  from: { kind: 'context' },
  sources: ['.'],
  contents: [],
  destination: '.',
  destinationPath: '/app/',
  chown: undefined,
  chmod: undefined,
  link: false,
  parents: false,
  exclude: [],
  ...over,
});
const key = (instruction: PlannedInstruction, inputs: string[] = [], parent = base): string =>
  stepCacheKey(parent, instruction, { workdir: '/app', inputs, network: 'host' });

describe('cache keys', () => {
  it('canonical JSON sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }] })).toBe('{"a":[{"c":"x"}],"b":1}');
  });

  it('are hex sha256 and stable', () => {
    expect(key(run())).toMatch(/^[a-f0-9]{64}$/);
    expect(key(run())).toBe(key(run()));
    expect(() => toCacheKey('nope')).toThrow();
  });

  it('change with the parent, the command, the env it sees, the user, the network and the inputs', () => {
    const reference = key(run());
    const other = baseCacheKey({ kind: 'scratch', platform: 'linux/amd64' });
    const variants = [
      key(run(), [], other),
      key(run({ args: ['/bin/sh', '-c', 'npm ci'] })),
      key(run({ env: ['PATH=/bin', 'A=1'] })),
      key(run({ user: 'node' })),
      key(run(), ['sha256:1']),
      stepCacheKey(base, run(), { workdir: '/app', inputs: [], network: 'none' }),
      stepCacheKey(base, run(), { workdir: '/srv', inputs: [], network: 'host' }),
    ];
    for (const variant of variants) expect(variant).not.toBe(reference);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('ignore proxy variables and how the destination was spelled', () => {
    expect(key(run({ proxyEnv: ['HTTP_PROXY=http://p'] }))).toBe(key(run()));
    expect(key(copy({ destination: './' }))).toBe(key(copy({ destination: '.' })));
    expect(key(copy({ destinationPath: '/srv/' }))).not.toBe(key(copy()));
    expect(key(copy(), ['sha256:x'])).not.toBe(key(copy(), ['sha256:y']));
  });
});
