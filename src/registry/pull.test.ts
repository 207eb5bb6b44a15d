import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import type { BuildError } from '../errors/index.js';
import { validateImage } from '../image/index.js';
import { MediaType, sha256Digest } from '../oci/index.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import type { PullProgress } from './progress.js';
import { pullImage } from './pull-image.js';
import { parseRegistriesConf } from './registries-conf.js';
import { remoteImage } from './remote-image.js';
import type { RetryPolicy } from './retry.js';
import { closedPort, startFakeRegistry } from './testing/fake-registry.js';
import type { FakeRegistry } from './testing/fake-registry.js';
import { publishImage } from './testing/publish.js';
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

describe('pull from the fake registry', () => {
  let fake: FakeRegistry;
  let root: string;
  let store: Store;

  beforeEach(async () => {
    fake = await startFakeRegistry();
    root = await mkdtemp(join(tmpdir(), 'pull-'));
    store = await openStore(join(root, 'store'));
  });
  afterEach(async () => {
    await fake.close();
    await rm(root, { recursive: true, force: true });
  });

  it('pulls by tag into an empty store: same digest, layers verified, events in order', async () => {
    const image = await randomImage([20_000, 70_000]);
    const digest = await publishImage(fake, 'team/app', 'v1', image);
    const events: PullProgress[] = [];
    const result = await pullImage({ registry: fake.host, repository: 'team/app', tag: 'v1' }, { store, retry: FAST, onEvent: (e) => events.push(e) });
    expect(result.digest).toBe(digest);
    expect(result.downloaded).toBe(2);
    const stored = await store.getImage(`${fake.host}/team/app:v1`);
    expect(await stored.digest()).toBe(digest);
    await validateImage(stored);
    expect(events[0]).toMatchObject({ type: 'resolved', mirror: false, digest });
    expect(events.filter((e) => e.type === 'layer-done')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'done', digest });
    // every blob was fetched once: the store's putImage found the layers the pull had written
    const blobGets = fake.requests.filter((r) => r.method === 'GET' && r.path.includes('/blobs/sha256:'));
    expect(blobGets).toHaveLength(3);
    expect(new Set(blobGets.map((r) => r.path)).size).toBe(3);
    // a second pull finds the layers in the store and fetches no blob
    const before = fake.requests.filter((r) => r.path.includes('/blobs/sha256:')).length;
    const again = await pullImage({ registry: fake.host, repository: 'team/app', tag: 'v1' }, { store, retry: FAST });
    expect(again).toMatchObject({ downloaded: 0, existing: 2 });
    // only the config is read again (to serve the image view); no layer blob
    expect(fake.requests.filter((r) => r.path.includes('/blobs/sha256:')).length - before).toBe(1);
  });

  it('pulls by digest, asking for every manifest type', async () => {
    const image = await randomImage([1000], { format: 'docker' });
    const digest = await publishImage(fake, 'x', 'latest', image);
    const remote = await remoteImage({ registry: fake.host, repository: 'x', digest }, { retry: FAST });
    expect(await remote.digest()).toBe(digest);
    expect(await remote.mediaType()).toBe(MediaType.dockerManifest);
    const accept = String(fake.requests.find((r) => r.path.includes('/manifests/'))?.headers['accept']);
    for (const type of [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList]) expect(accept).toContain(type);
  });

  it('narrows an index to the requested (or host) platform', async () => {
    const amd = await randomImage([500]);
    const arm = await randomImage([600]);
    const amdDigest = await publishImage(fake, 'multi', 'amd', amd);
    const armDigest = await publishImage(fake, 'multi', 'arm', arm);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          { mediaType: MediaType.ociManifest, digest: armDigest, size: (await arm.rawManifest()).byteLength, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          { mediaType: MediaType.ociManifest, digest: amdDigest, size: (await amd.rawManifest()).byteLength, platform: { os: 'linux', architecture: 'amd64' } },
        ],
      }),
    );
    fake.putManifest('multi', 'latest', index, MediaType.ociIndex);
    const ref = { registry: fake.host, repository: 'multi', tag: 'latest' };
    expect(await (await remoteImage(ref, { platform: { os: 'linux', architecture: 'arm64' } })).digest()).toBe(armDigest);
    expect(await (await remoteImage(ref, { platform: { os: 'linux', architecture: 'amd64' } })).digest()).toBe(amdDigest);
    const err = await caught(remoteImage(ref, { platform: { os: 'linux', architecture: 's390x' } }));
    expect(err.code).toBe('NO_MATCHING_PLATFORM');
    expect(err.hint).toContain('linux/arm64/v8');
  });

  it('refuses a layer whose bytes do not match its digest, and stores nothing of it', async () => {
    const image = await randomImage([30_000]);
    await publishImage(fake, 'bad', 'v1', image);
    const layer = (await image.layers())[0]!;
    const digest = await layer.digest();
    const wrong = Buffer.from(image.layerBlobs[0]!);
    wrong[wrong.length - 10] = wrong[wrong.length - 10]! ^ 0xff;
    fake.faults.push({ path: new RegExp(`/blobs/${digest}#body$`), times: 10, action: { kind: 'replace-body', body: wrong } });
    const err = await caught(pullImage({ registry: fake.host, repository: 'bad', tag: 'v1' }, { store, retry: FAST }));
    expect(err.code).toBe('DIGEST_MISMATCH');
    expect(err.message).toContain(digest);
    expect(err.message).toContain(`${fake.host}/bad`);
    expect(await store.hasBlob(digest)).toBe(false);
    expect(await store.resolveRef(`${fake.host}/bad:v1`)).toBeUndefined();
  });

  it('refuses a blob longer than its descriptor says', async () => {
    const image = await randomImage([3000]);
    await publishImage(fake, 'long', 'v1', image);
    const digest = await (await image.layers())[0]!.digest();
    fake.faults.push({ path: new RegExp(`/blobs/${digest}#body$`), action: { kind: 'replace-body', body: Buffer.concat([image.layerBlobs[0]!, Buffer.from('extra')]) } });
    const err = await caught(pullImage({ registry: fake.host, repository: 'long', tag: 'v1' }, { store, retry: FAST }));
    expect(err.code).toBe('DIGEST_MISMATCH');
    expect(err.message).toMatch(/more than the \d+ bytes/);
    expect(await store.hasBlob(digest)).toBe(false);
  });

  it('refuses a manifest whose bytes do not match the digest the registry announced', async () => {
    const image = await randomImage([100]);
    await publishImage(fake, 'm', 'v1', image);
    const raw = JSON.parse(Buffer.from(await image.rawManifest()).toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...raw, annotations: { evil: 'yes' } }));
    fake.faults.push({ path: /\/manifests\/v1#body$/, action: { kind: 'replace-body', body: tampered } });
    const err = await caught(remoteImage({ registry: fake.host, repository: 'm', tag: 'v1' }, { retry: FAST }));
    expect(err.code).toBe('DIGEST_MISMATCH');
  });

  it('retries a 500 and then succeeds', async () => {
    const image = await randomImage([100]);
    const digest = await publishImage(fake, 'flaky', 'v1', image);
    fake.faults.push({ method: 'GET', path: /\/manifests\/v1$/, times: 2, action: { kind: 'status', status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"boom"}]}' } });
    fake.faults.push({ method: 'GET', path: /\/blobs\//, times: 1, action: { kind: 'status', status: 503 } });
    const result = await pullImage({ registry: fake.host, repository: 'flaky', tag: 'v1' }, { store, retry: FAST });
    expect(result.digest).toBe(digest);
    expect(fake.requests.filter((r) => r.path.endsWith('/manifests/v1'))).toHaveLength(3);
  });

  it('gives up after the retry budget with the status and the registry\'s words', async () => {
    fake.faults.push({ path: /\/manifests\/v1$/, times: 100, action: { kind: 'status', status: 502, body: '{"errors":[{"code":"UNAVAILABLE","message":"backend down"}]}' } });
    const err = await caught(remoteImage({ registry: fake.host, repository: 'down', tag: 'v1' }, { retry: FAST }));
    expect(err.code).toBe('REGISTRY_UNREACHABLE');
    expect(err.message).toContain('HTTP 502');
    expect(err.message).toContain('after 3 attempts');
    expect(err.message).toContain('UNAVAILABLE: "backend down"');
    expect(fake.requests.filter((r) => r.path.endsWith('/manifests/v1'))).toHaveLength(3);
  });

  it('resumes a body cut short with a Range request', async () => {
    const image = await randomImage([200_000]);
    const digest = await publishImage(fake, 'cut', 'v1', image);
    const layerDigest = await (await image.layers())[0]!.digest();
    fake.faults.push({ path: new RegExp(`/blobs/${layerDigest}#body$`), action: { kind: 'drop', after: 50_000 } });
    const events: PullProgress[] = [];
    const result = await pullImage({ registry: fake.host, repository: 'cut', tag: 'v1' }, { store, retry: FAST, onEvent: (e) => events.push(e) });
    expect(result.digest).toBe(digest);
    const gets = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith(layerDigest));
    expect(gets).toHaveLength(2);
    expect(gets[1]!.headers['range']).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(String(gets[1]!.headers['range']))![0])).toBeGreaterThan(0);
    await validateImage(await store.getImage(`${fake.host}/cut:v1`));
  });

  it('restarts from zero when the server ignores Range', async () => {
    await fake.close();
    fake = await startFakeRegistry({ rangeRequests: false });
    const image = await randomImage([150_000]);
    const digest = await publishImage(fake, 'norange', 'v1', image);
    const layerDigest = await (await image.layers())[0]!.digest();
    fake.faults.push({ path: new RegExp(`/blobs/${layerDigest}#body$`), action: { kind: 'drop', after: 40_000 } });
    expect((await pullImage({ registry: fake.host, repository: 'norange', tag: 'v1' }, { store, retry: FAST })).digest).toBe(digest);
    expect(await store.hasBlob(layerDigest)).toBe(true);
  });

  it('fails clearly when the body keeps being cut, and keeps nothing', async () => {
    const image = await randomImage([100_000]);
    await publishImage(fake, 'cut2', 'v1', image);
    const layerDigest = await (await image.layers())[0]!.digest();
    fake.faults.push({ path: new RegExp(`/blobs/${layerDigest}#body$`), times: 100, action: { kind: 'drop', after: 10_000 } });
    const err = await caught(pullImage({ registry: fake.host, repository: 'cut2', tag: 'v1' }, { store, retry: FAST }));
    expect(err.code).toBe('REGISTRY_UNREACHABLE');
    expect(err.message).toMatch(new RegExp(`blob ${layerDigest} \\(cut off after \\d+ of \\d+ bytes\\)`));
    expect(await store.hasBlob(layerDigest)).toBe(false);
  });

  it('refuses a manifest over 4 MiB, announced or streamed', async () => {
    const big = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, padding: 'x'.repeat(4 * 1024 * 1024) }));
    fake.putManifest('huge', 'v1', big, MediaType.ociManifest);
    const err = await caught(remoteImage({ registry: fake.host, repository: 'huge', tag: 'v1' }, { retry: FAST }));
    expect(err.code).toBe('MANIFEST_TOO_LARGE');
    expect(err.message).toContain(`${fake.host}/huge`);
    // without a Content-Length (chunked transfer), the limit holds while reading
    fake.faults.push({ method: 'GET', path: /\/manifests\/v2$/, action: { kind: 'status', status: 200, body: big.toString(), headers: { 'Content-Type': MediaType.ociManifest } } });
    const streamed = await caught(remoteImage({ registry: fake.host, repository: 'huge', tag: 'v2' }, { retry: FAST }));
    expect(streamed.code).toBe('MANIFEST_TOO_LARGE');
    expect(streamed.message).toContain('more than');
  });

  it('reports a 404 with the registry\'s error body', async () => {
    const err = await caught(remoteImage({ registry: fake.host, repository: 'nope', tag: 'v1' }, { retry: FAST }));
    expect(err.code).toBe('REGISTRY_NOT_FOUND');
    expect(err.message).toBe(`manifest v1 from ${fake.host}/nope: HTTP 404 Not Found: MANIFEST_UNKNOWN: "manifest unknown: v1"`);
    expect(err.details).toMatchObject({ registry: fake.host, repository: 'nope', status: 404 });
  });

  it('reports a missing blob as not found, naming the blob', async () => {
    const image = await randomImage([100]);
    const digest = await publishImage(fake, 'partial', 'v1', image);
    fake.faults.push({ path: /\/blobs\/sha256:/, times: 100, action: { kind: 'status', status: 404, body: '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}' } });
    const err = await caught(pullImage({ registry: fake.host, repository: 'partial', tag: 'v1' }, { store, retry: FAST }));
    expect(err.code).toBe('REGISTRY_NOT_FOUND');
    expect(err.message).toMatch(/^blob sha256:[0-9a-f]{64} from 127\.0\.0\.1:\d+\/partial: HTTP 404/);
    expect(await store.resolveRef(`${fake.host}/partial:v1`)).toBeUndefined();
    expect(digest).toMatch(/^sha256:/);
  });

  it('reports an unreachable registry quickly', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const err = await caught(remoteImage({ registry: host, repository: 'x', tag: 'v1' }, { retry: { attempts: 4, baseDelayMs: 1000, maxDelayMs: 1000 } }));
    expect(Date.now() - started).toBeLessThan(900); // a refused connection is not retried
    expect(err.code).toBe('REGISTRY_UNREACHABLE');
    expect(err.message).toBe(`manifest v1 from ${host}/x: cannot reach the registry: fetch failed: connect ECONNREFUSED ${host} (ECONNREFUSED)`);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('tries registries.conf mirrors first and falls through to the primary', async () => {
    const mirror = await startFakeRegistry();
    const primary = await startFakeRegistry();
    try {
      const image = await randomImage([1000]);
      const digest = await publishImage(mirror, 'library/node', '18', image);
      const down = `127.0.0.1:${await closedPort()}`;
      const conf = parseRegistriesConf(
        `[[registry]]\nprefix = "docker.io"\nlocation = "${primary.host}"\n[[registry.mirror]]\nlocation = "${down}"\n[[registry.mirror]]\nlocation = "${mirror.host}"\n`,
        'test.conf',
      );
      const events: PullProgress[] = [];
      const node = { registry: 'docker.io', repository: 'library/node', tag: '18' };
      const result = await pullImage(node, { store, registriesConfig: conf, retry: FAST, onEvent: (e) => events.push(e) });
      expect(result.digest).toBe(digest);
      expect(events[0]).toMatchObject({ type: 'endpoint-failed', endpoint: `${down}/library/node` });
      expect(events[1]).toMatchObject({ type: 'resolved', endpoint: `${mirror.host}/library/node`, mirror: true });
      expect(await store.resolveRef('docker.io/library/node:18')).toBe(digest);
      expect(primary.requests).toHaveLength(0);

      // a tag the mirror lacks comes from the primary location
      const other = await randomImage([800]);
      const otherDigest = await publishImage(primary, 'library/node', '20', other);
      const got = await pullImage({ ...node, tag: '20' }, { store, registriesConfig: conf, retry: FAST });
      expect(got.digest).toBe(otherDigest);
      expect(got.image.endpoint).toMatchObject({ registry: primary.host, mirror: false });
    } finally {
      await mirror.close();
      await primary.close();
    }
  });

  it('checks the config blob too', async () => {
    const image = await randomImage([100]);
    await publishImage(fake, 'cfg', 'v1', image);
    const configDigest = sha256Digest(await image.rawConfig());
    fake.faults.push({ path: new RegExp(`/blobs/${configDigest}#body$`), times: 10, action: { kind: 'replace-body', body: Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, x: 1 })) } });
    const err = await caught(pullImage({ registry: fake.host, repository: 'cfg', tag: 'v1' }, { store, retry: FAST }));
    expect(err.code).toBe('DIGEST_MISMATCH');
    expect(err.message).toContain(configDigest);
  });
});
