import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import type { Digest } from '../oci/index.js';
import { loadRegistriesConfig, mergeRegistriesConfig, parseRegistriesConf } from './registries-conf.js';
import { findRegistryEntry, pullEndpoints, pushEndpoint } from './resolve-endpoints.js';

const CONF = `
unqualified-search-registries = ["registry.example.com", "docker.io"]

[[registry]]
prefix = "docker.io"
location = "docker.io"

[[registry.mirror]]
location = "127.0.0.1:5000"
insecure = true

[[registry.mirror]]
location = "mirror.example.com/hub"
pull-from-mirror = "digest-only"

[[registry]]
prefix = "docker.io/library/blocked"
blocked = true

[[registry]]
prefix = "example.com/team"
location = "internal.example:5000/mirror/team"
insecure = true

[[registry]]
prefix = "*.corp.example"
insecure = true
`;

const digest = ('sha256:' + 'a'.repeat(64)) as Digest;

describe('registries.conf', () => {
  const config = parseRegistriesConf(CONF, 'test.conf');

  it('reads the v2 tables with their defaults', () => {
    expect(config.unqualifiedSearchRegistries).toEqual(['registry.example.com', 'docker.io']);
    expect(config.registries).toHaveLength(4);
    const hub = config.registries[0]!;
    expect(hub.mirrors).toEqual([
      { location: '127.0.0.1:5000', insecure: true, pullFromMirror: 'all' },
      { location: 'mirror.example.com/hub', insecure: false, pullFromMirror: 'digest-only' },
    ]);
    expect(config.registries[3]).toMatchObject({ prefix: '*.corp.example', location: '*.corp.example', insecure: true, blocked: false });
  });

  it.each([
    // reference, expected endpoints (registry/repository, mirror?)
    [{ registry: 'docker.io', repository: 'library/node', tag: '18' }, ['127.0.0.1:5000/library/node mirror', 'docker.io/library/node']],
    [
      { registry: 'docker.io', repository: 'library/node', digest },
      ['127.0.0.1:5000/library/node mirror', 'mirror.example.com/hub/library/node mirror', 'docker.io/library/node'],
    ],
    [{ registry: 'example.com', repository: 'team/app', tag: 'v1' }, ['internal.example:5000/mirror/team/app']],
    [{ registry: 'example.com', repository: 'teamwork/app', tag: 'v1' }, ['example.com/teamwork/app']],
    [{ registry: 'a.corp.example', repository: 'x', tag: 'v1' }, ['a.corp.example/x']],
    [{ registry: 'quay.io', repository: 'x/y', tag: 'v1' }, ['quay.io/x/y']],
  ])('pull endpoints of %j', (ref, expected) => {
    const endpoints = pullEndpoints(config, ref);
    expect(endpoints.map((e) => `${e.registry}/${e.repository}${e.mirror ? ' mirror' : ''}`)).toEqual(expected);
  });

  it('marks insecure endpoints', () => {
    expect(pullEndpoints(config, { registry: 'a.corp.example', repository: 'x' })[0]?.insecure).toBe(true);
    expect(pushEndpoint(config, { registry: 'example.com', repository: 'team/app' })).toEqual({
      registry: 'internal.example:5000',
      repository: 'mirror/team/app',
      insecure: true,
      mirror: false,
    });
  });

  it('never pushes to a mirror', () => {
    expect(pushEndpoint(config, { registry: 'docker.io', repository: 'library/node', tag: '18' }).registry).toBe('docker.io');
  });

  it('picks the longest prefix and refuses blocked names', () => {
    expect(findRegistryEntry(config, { registry: 'docker.io', repository: 'library/blocked' })?.prefix).toBe('docker.io/library/blocked');
    expect(() => pullEndpoints(config, { registry: 'docker.io', repository: 'library/blocked', tag: 'x' })).toThrow(/blocked by test.conf/);
    // a prefix matches whole path components only
    expect(findRegistryEntry(config, { registry: 'docker.io', repository: 'library/blockedness' })?.prefix).toBe('docker.io');
  });

  it.each([
    ['[[registry]]\nlocation = 5', /"location" must be a string/],
    ['[[registry]]\ninsecure = true', /needs a "prefix" or a "location"/],
    ['[[registry]]\nprefix = "*.x.com"\nlocation = "y.com"', /wildcard prefix/],
    ['[[registry]]\nprefix = "a"\n[[registry.mirror]]\ninsecure = true', /needs a "location"/],
    ['unqualified-search-registries = "docker.io"', /must be a list of strings/],
    ['this is = = not toml', /not valid TOML/],
  ])('rejects %j', (text, message) => {
    let error: unknown;
    try {
      parseRegistriesConf(text, 'bad.conf');
    } catch (err) {
      error = err;
    }
    expect(isBuildError(error) && error.code === 'REGISTRY_CONFIG').toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^bad\.conf: /);
  });

  it('reads the v1 layout', () => {
    const v1 = parseRegistriesConf(
      '[registries.search]\nregistries = ["docker.io"]\n[registries.insecure]\nregistries = ["10.1.1.1:5000"]\n[registries.block]\nregistries = ["evil.example"]\n',
      'v1.conf',
    );
    expect(v1.unqualifiedSearchRegistries).toEqual(['docker.io']);
    expect(pullEndpoints(v1, { registry: '10.1.1.1:5000', repository: 'x' })[0]?.insecure).toBe(true);
    expect(() => pullEndpoints(v1, { registry: 'evil.example', repository: 'x' })).toThrow(/blocked/);
  });

  it('merges drop-ins: same prefix replaces, search list replaced only when set', () => {
    const merged = mergeRegistriesConfig(config, parseRegistriesConf('[[registry]]\nprefix = "docker.io"\nlocation = "hub.internal"\n', 'drop.conf'));
    expect(merged.unqualifiedSearchRegistries).toEqual(['registry.example.com', 'docker.io']);
    expect(findRegistryEntry(merged, { registry: 'docker.io', repository: 'library/node' })?.location).toBe('hub.internal');
    expect(merged.registries).toHaveLength(4);
  });
});

describe('loadRegistriesConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'regconf-'));
    await mkdir(join(dir, 'etc', 'registries.conf.d'), { recursive: true });
    await mkdir(join(dir, 'home', '.config', 'containers'), { recursive: true });
    await writeFile(join(dir, 'etc', 'registries.conf'), 'unqualified-search-registries = ["system.example"]\n');
    await writeFile(join(dir, 'etc', 'registries.conf.d', '10-mirror.conf'), '[[registry]]\nprefix = "docker.io"\n[[registry.mirror]]\nlocation = "127.0.0.1:1"\n');
    await writeFile(join(dir, 'etc', 'registries.conf.d', 'ignored.txt'), 'not toml = = =');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the system file and its drop-ins when the user has none', async () => {
    const config = await loadRegistriesConfig({ systemDir: join(dir, 'etc'), homeDir: join(dir, 'home') });
    expect(config.unqualifiedSearchRegistries).toEqual(['system.example']);
    expect(config.registries[0]?.mirrors[0]?.location).toBe('127.0.0.1:1');
    expect(config.sources).toHaveLength(2);
  });

  it('lets the user file replace the system file (drop-ins still apply)', async () => {
    await writeFile(join(dir, 'home', '.config', 'containers', 'registries.conf'), 'unqualified-search-registries = ["user.example"]\n');
    const config = await loadRegistriesConfig({ systemDir: join(dir, 'etc'), homeDir: join(dir, 'home') });
    expect(config.unqualifiedSearchRegistries).toEqual(['user.example']);
    expect(config.registries).toHaveLength(1);
  });

  it('reads exactly one file with path, and names a missing one', async () => {
    const config = await loadRegistriesConfig({ path: join(dir, 'etc', 'registries.conf') });
    expect(config.registries).toHaveLength(0);
    await expect(loadRegistriesConfig({ path: join(dir, 'nope.conf') })).rejects.toThrow(/nope\.conf: no such file/);
  });

  it('parses this machine\'s own configuration without error', async () => {
    await expect(loadRegistriesConfig({ homeDir: dir })).resolves.toBeDefined();
  });
});
