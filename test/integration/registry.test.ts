import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateImage } from '../../src/image/index.js';
import { MediaType, sha256Digest } from '../../src/oci/index.js';
import { parseReference } from '../../src/oci/reference.js';
import { pullImage, pushImage, remoteImage, parseRegistriesConf, RegistryClientPool } from '../../src/registry/index.js';
import type { PullProgress, PushProgress } from '../../src/registry/index.js';
import { closedPort } from '../../src/registry/testing/fake-registry.js';
import { randomImage } from '../../src/registry/testing/test-image.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { dockerRegistryUnavailable, startDockerRegistry } from '../support/docker-registry.js';
import type { DockerRegistry } from '../support/docker-registry.js';

const run = promisify(execFile);
const missing = dockerRegistryUnavailable();
if (missing !== undefined) console.warn(`skipping the real-registry round trips: ${missing}`);

async function skopeoInspect(args: readonly string[]): Promise<string> {
  const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

describe.skipIf(missing !== undefined)('round trips through the real docker-registry', () => {
  let registry: DockerRegistry;
  let dir: string;
  let source: Store;

  beforeAll(async () => {
    registry = await startDockerRegistry();
    dir = await mkdtemp(join(tmpdir(), 'registry-it-'));
    source = await openStore(join(dir, 'source'));
  });
  afterAll(async () => {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('pushes from one store and pulls into an empty one with identical digests', async () => {
    const made = await randomImage([300_000, 50_000, 1_000_000]);
    const ref = parseReference(`${registry.host}/it/app:v1`);
    await source.putImage(made, { tags: [ref.toString()] });
    const image = await source.getImage(ref.toString());
    const events: PushProgress[] = [];
    const pushed = await pushImage(image, ref, { onEvent: (e) => events.push(e) });
    expect(pushed.digest).toBe(await made.digest());
    expect(events.filter((e) => e.type === 'blob-pushed')).toHaveLength(4);

    const target = await openStore(join(dir, 'target'));
    const pulled = await pullImage(ref, { store: target });
    expect(pulled.digest).toBe(pushed.digest);
    const copy = await target.getImage(ref.toString());
    expect(await copy.digest()).toBe(await made.digest());
    expect(Buffer.from(await copy.rawManifest())).toEqual(Buffer.from(await made.rawManifest()));
    expect(Buffer.from(await copy.rawConfig())).toEqual(Buffer.from(await made.rawConfig()));
    const layers = await copy.layers();
    expect(await Promise.all(layers.map((l) => l.digest()))).toEqual(await Promise.all((await made.layers()).map((l) => l.digest())));
    await validateImage(copy);

    // skopeo reads back exactly what we pushed
    const inspected = JSON.parse(await skopeoInspect([`docker://${ref.toString()}`])) as { Digest: string; Layers: string[]; Architecture: string };
    expect(inspected.Digest).toBe(pushed.digest);
    expect(inspected.Layers).toEqual(await Promise.all(layers.map((l) => l.digest())));
    expect(inspected.Architecture).toBe('amd64');
    expect(sha256Digest(await skopeoInspect(['--raw', `docker://${ref.toString()}`]))).toBe(pushed.digest);
  });

  it('skips what the registry has and mounts across repositories', async () => {
    const ref = parseReference(`${registry.host}/it/app:v1`);
    const again = await pushImage(await source.getImage(ref.toString()), parseReference(`${registry.host}/it/app:v1-again`));
    expect(again.outcomes.every((o) => o.kind === 'exists')).toBe(true);

    const clients = new RegistryClientPool();
    const remote = await remoteImage(ref, { clients });
    const mounted = await pushImage(remote, parseReference(`${registry.host}/it/other:v1`), { clients });
    expect(mounted.outcomes.filter((o) => o.kind === 'mounted')).toHaveLength(3);
    const inspected = JSON.parse(await skopeoInspect([`docker://${registry.host}/it/other:v1`])) as { Digest: string };
    expect(inspected.Digest).toBe(mounted.digest);
  });

  it('uploads in chunks the real registry accepts', async () => {
    const made = await randomImage([700_000], { compress: false });
    const ref = parseReference(`${registry.host}/it/chunked:v1`);
    const pushed = await pushImage(made, ref, { chunkThreshold: 100_000, chunkSize: 128 * 1024 });
    const target = await openStore(join(dir, 'chunked'));
    expect((await pullImage(ref, { store: target })).digest).toBe(pushed.digest);
    await validateImage(await target.getImage(ref.toString()));
  });

  it('pulls what skopeo pushed in Docker format', async () => {
    await run('skopeo', ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--format', 'v2s2', `docker://${registry.host}/it/app:v1`, `docker://${registry.host}/it/skopeo:v2s2`]);
    const target = await openStore(join(dir, 'from-skopeo'));
    const ref = parseReference(`${registry.host}/it/skopeo:v2s2`);
    const pulled = await pullImage(ref, { store: target });
    expect(await pulled.image.mediaType()).toBe(MediaType.dockerManifest);
    await validateImage(await target.getImage(ref.toString()));
  });

  it('pulls node:18 through a registries.conf mirror for docker.io', async () => {
    const node = await randomImage([200_000]);
    await pushImage(node, parseReference(`${registry.host}/library/node:18`));
    // the primary location is a closed local port, so nothing can leave this machine
    const conf = parseRegistriesConf(
      `[[registry]]\nprefix = "docker.io"\nlocation = "127.0.0.1:${await closedPort()}"\n\n[[registry.mirror]]\nlocation = "${registry.host}"\n`,
      'mirror.conf',
    );
    const store = await openStore(join(dir, 'mirror'));
    const events: PullProgress[] = [];
    const ref = parseReference('node:18');
    expect(ref.toString()).toBe('docker.io/library/node:18');
    const pulled = await pullImage(ref, { store, registriesConfig: conf, onEvent: (e) => events.push(e) });
    expect(pulled.digest).toBe(await node.digest());
    expect(events[0]).toMatchObject({ type: 'resolved', mirror: true, endpoint: `${registry.host}/library/node` });
    expect(await store.resolveRef('docker.io/library/node:18')).toBe(pulled.digest);
  });
});
