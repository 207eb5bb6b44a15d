import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingSink } from '../events/index.js';
import { EMPTY_REGISTRIES_CONFIG } from '../registry/index.js';
import { randomImage } from '../registry/testing/test-image.js';
import { startFakeRegistry } from '../registry/testing/fake-registry.js';
import type { FakeRegistry } from '../registry/testing/fake-registry.js';
import { publishImage } from '../registry/testing/publish.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { resolveImage } from './base-images.js';

const platform = { os: 'linux', architecture: 'amd64' };

describe('resolveImage: the local store first, then the registry', () => {
  let fake: FakeRegistry;
  let dir: string;
  let store: Store;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    fake = await startFakeRegistry();
    dir = await mkdtemp(`${tmpdir()}/resolve-image-`);
    store = await openStore(dir);
    await publishImage(fake, 'base/app', '1', await randomImage([2000, 3000]));
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pulls an image the store lacks, tags it, and reports the step', async () => {
    const ref = `${fake.host}/base/app:1`;
    const recording = createRecordingSink();
    const resolved = await resolveImage(ref, { store, platform, pull: false, events: recording.sink, signal, registry: () => Promise.resolve({ credentials: { configDir: dir }, registriesConfig: EMPTY_REGISTRIES_CONFIG }) });
    expect(resolved.config.rootfs.diff_ids).toHaveLength(2);
    expect(await store.resolveRef(ref)).toBe(resolved.manifest);
    expect(recording.events.map((e) => e.type)).toEqual(['step-started', 'step-done']);
    expect(recording.ofType('step-started')[0]?.label).toBe(`[internal] load metadata for ${ref}`);
  });

  it('finds it in the store the next time without asking the registry; --pull asks again', async () => {
    const ref = `${fake.host}/base/app:1`;
    const before = fake.requests.length;
    const local = await resolveImage(ref, { store, platform, pull: false, events: () => undefined, signal });
    expect(fake.requests.length).toBe(before);
    const pulled = await resolveImage(ref, { store, platform, pull: true, events: () => undefined, signal });
    expect(fake.requests.length).toBeGreaterThan(before);
    expect(pulled.manifest).toBe(local.manifest);
  });

  it('an image found nowhere fails the step with a registry error', async () => {
    const recording = createRecordingSink();
    await expect(resolveImage(`${fake.host}/base/missing:1`, { store, platform, pull: false, events: recording.sink, signal })).rejects.toMatchObject({
      code: expect.stringMatching(/^REGISTRY_/) as unknown,
    });
    expect(recording.events.map((e) => e.type)).toEqual(['step-started', 'step-failed']);
  });

  it('a local image for another platform is not used', async () => {
    const ref = `${fake.host}/base/app:1`;
    const before = fake.requests.length;
    await expect(resolveImage(ref, { store, platform: { os: 'linux', architecture: 'arm64' }, pull: false, events: () => undefined, signal })).rejects.toThrow();
    expect(fake.requests.length).toBeGreaterThan(before);
  });
});
