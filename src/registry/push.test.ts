import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import type { BuildError } from '../errors/index.js';
import { validateImage } from '../image/index.js';
import { sha256Digest } from '../oci/index.js';
import { RegistryClientPool } from './client-pool.js';
import type { PushProgress } from './progress.js';
import { pushImage } from './push-image.js';
import { parseRegistriesConf } from './registries-conf.js';
import { remoteImage } from './remote-image.js';
import type { RetryPolicy } from './retry.js';
import { startFakeRegistry } from './testing/fake-registry.js';
import type { FakeRegistry } from './testing/fake-registry.js';
import { randomImage } from './testing/test-image.js';

const FAST: RetryPolicy = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

async function caught(promise: Promise<unknown>): Promise<BuildError> {
  try {
    await promise;
  } catch (err) {
    if (isBuildError(err)) return err;
    throw err;
  }
  throw new Error('expected a BuildError');
}

describe('push to the fake registry', () => {
  let fake: FakeRegistry;
  beforeEach(async () => {
    fake = await startFakeRegistry();
  });
  afterEach(async () => {
    await fake.close();
  });

  const count = (method: string, pattern: RegExp): number => fake.requests.filter((r) => r.method === method && pattern.test(r.path)).length;

  it('uploads config and layers monolithically, then the manifest under its tag', async () => {
    const image = await randomImage([10_000, 20_000, 30_000]);
    const events: PushProgress[] = [];
    const result = await pushImage(image, { registry: fake.host, repository: 'me/app', tag: 'v1' }, { retry: FAST, onEvent: (e) => events.push(e) });
    expect(result.digest).toBe(await image.digest());
    expect(result.outcomes.map((o) => o.kind)).toEqual(['pushed', 'pushed', 'pushed', 'pushed']);
    const stored = fake.manifest('me/app', 'v1');
    expect(sha256Digest(stored!.bytes)).toBe(result.digest);
    expect(stored!.mediaType).toBe(await image.mediaType());
    for (const [i, layer] of (await image.layers()).entries()) expect(fake.blob(await layer.digest())).toEqual(image.layerBlobs[i]);
    expect(count('POST', /\/blobs\/uploads\/$/)).toBe(4);
    expect(count('PATCH', /uploads/)).toBe(0);
    expect(count('PUT', /\/blobs\/uploads\//)).toBe(4);
    // the manifest goes last
    expect(fake.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/v2/me/app/manifests/v1' });
    expect(events.filter((e) => e.type === 'blob-pushed')).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ type: 'manifest-pushed', digest: result.digest });
    // what we pushed reads back whole
    await validateImage(await remoteImage({ registry: fake.host, repository: 'me/app', tag: 'v1' }, { retry: FAST }));
  });

  it('skips blobs the registry has (HEAD) on a second push', async () => {
    const image = await randomImage([5000, 6000]);
    const ref = { registry: fake.host, repository: 'me/again', tag: 'v1' };
    await pushImage(image, ref, { retry: FAST });
    const posts = count('POST', /uploads/);
    const second = await pushImage(image, { ...ref, tag: 'v2' }, { retry: FAST });
    expect(second.outcomes.every((o) => o.kind === 'exists')).toBe(true);
    expect(count('POST', /uploads/)).toBe(posts);
    expect(fake.manifest('me/again', 'v2')).toBeDefined();
  });

  it('mounts a layer known to be in another repository of the same registry', async () => {
    const image = await randomImage([8000, 9000]);
    await pushImage(image, { registry: fake.host, repository: 'base/os', tag: 'v1' }, { retry: FAST });
    const clients = new RegistryClientPool({ retry: FAST });
    const base = await remoteImage({ registry: fake.host, repository: 'base/os', tag: 'v1' }, { clients });
    const events: PushProgress[] = [];
    const result = await pushImage(base, { registry: fake.host, repository: 'app/derived', tag: 'v1' }, { clients, onEvent: (e) => events.push(e) });
    expect(result.outcomes.filter((o) => o.kind === 'mounted')).toEqual([
      { kind: 'mounted', from: 'base/os' },
      { kind: 'mounted', from: 'base/os' },
    ]);
    const mounts = fake.requests.filter((r) => r.method === 'POST' && r.query.get('from') === 'base/os');
    expect(mounts).toHaveLength(2);
    expect(events.filter((e) => e.type === 'blob-mounted')).toHaveLength(2);
    // no layer bytes were sent to the new repository
    expect(fake.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/v2/app/derived/blobs/uploads/'))).toHaveLength(1); // the config
    for (const layer of await base.layers()) expect(fake.hasBlob('app/derived', await layer.digest())).toBe(true);
  });

  it('falls back to an upload when the mount is refused (202)', async () => {
    const image = await randomImage([4000]);
    const result = await pushImage(image, { registry: fake.host, repository: 'x/y', tag: 'v1' }, { retry: FAST, mountFrom: ['not/there'] });
    expect(result.outcomes.every((o) => o.kind === 'pushed')).toBe(true);
    expect(fake.requests.some((r) => r.query.get('from') === 'not/there')).toBe(true);
  });

  it('uploads in PATCH chunks with Content-Range above the threshold', async () => {
    const image = await randomImage([100_000]);
    const layerSize = image.layerBlobs[0]!.length;
    await pushImage(image, { registry: fake.host, repository: 'big/one', tag: 'v1' }, { retry: FAST, chunkThreshold: 50_000, chunkSize: 16_384 });
    const patches = fake.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(Math.ceil(layerSize / 16_384));
    expect(patches[0]!.headers['content-range']).toBe('0-16383');
    expect(patches[1]!.headers['content-range']).toBe('16384-32767');
    expect(patches.at(-1)!.headers['content-range']).toBe(`${Math.floor(layerSize / 16_384) * 16_384}-${layerSize - 1}`);
    // each PATCH went to the location the previous answer gave
    expect(new Set(patches.map((p) => p.path)).size).toBe(1);
    const layerDigest = await (await image.layers())[0]!.digest();
    expect(fake.blob(layerDigest)).toEqual(image.layerBlobs[0]);
  });

  it('retries an upload after a 5xx and after a dropped connection', async () => {
    const image = await randomImage([12_000]);
    fake.faults.push({ method: 'PUT', path: /\/blobs\/uploads\//, times: 1, action: { kind: 'status', status: 503 } });
    fake.faults.push({ method: 'PUT', path: /\/blobs\/uploads\//, times: 1, action: { kind: 'reset' } });
    fake.faults.push({ method: 'PUT', path: /\/manifests\//, times: 1, action: { kind: 'status', status: 500 } });
    const result = await pushImage(image, { registry: fake.host, repository: 'retry/me', tag: 'v1' }, { retry: FAST, concurrency: 1 });
    expect(result.digest).toBe(await image.digest());
    expect(count('POST', /uploads/)).toBe(4); // 2 blobs + a fresh session after the 503 and after the reset
    for (const layer of await image.layers()) expect(fake.blob(await layer.digest())).toEqual(image.layerBlobs[0]);
    expect(count('PUT', /\/manifests\/v1$/)).toBe(2);
  });

  it('gives up on a registry that keeps failing, saying what failed', async () => {
    const image = await randomImage([1000]);
    fake.faults.push({ method: 'POST', path: /uploads/, times: 100, action: { kind: 'status', status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"disk full"}]}' } });
    const err = await caught(pushImage(image, { registry: fake.host, repository: 'full/disk', tag: 'v1' }, { retry: FAST }));
    expect(err.code).toBe('REGISTRY_UNREACHABLE');
    expect(err.message).toMatch(new RegExp(`^upload of blob sha256:[0-9a-f]{64} from ${fake.host.replace(/\./g, '\\.')}/full/disk: HTTP 500`));
    expect(err.message).toContain('UNKNOWN: "disk full"');
    expect(fake.manifest('full/disk', 'v1')).toBeUndefined();
  });

  it('pushes to the location registries.conf rewrites the name to', async () => {
    const image = await randomImage([1000]);
    const conf = parseRegistriesConf(`[[registry]]\nprefix = "example.com/team"\nlocation = "${fake.host}/mirror/team"\n`, 'test.conf');
    const result = await pushImage(image, { registry: 'example.com', repository: 'team/app', tag: 'v3' }, { retry: FAST, registriesConfig: conf });
    expect(result).toMatchObject({ registry: fake.host, repository: 'mirror/team/app' });
    expect(fake.manifest('mirror/team/app', 'v3')).toBeDefined();
  });
});
