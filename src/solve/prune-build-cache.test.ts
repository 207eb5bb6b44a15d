import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../oci/index.js';
import { layerFsDir } from '../snapshot/index.js';
import { currentOwner, openStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { BuildCache } from './build-cache.js';
import type { CacheKey } from './cache-key.js';
import { holdCacheMount } from './cache-mount-dirs.js';
import { pruneBuildCache } from './prune-build-cache.js';

let root: string;
let store: Store;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-prune-cache-'));
  store = await openStore(root, { lockTimeoutMs: 5_000 });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** What a build leaves: a step record keeping a layer blob, a source digest, a cache mount, an unpacked layer, a stat cache. */
async function leaveBuildCache(): Promise<{ layer: Digest; unpacked: string }> {
  const layer = await store.writeBlob(Buffer.alloc(64_000, 1));
  const cache = new BuildCache(store, true);
  await cache.put('sha256:step' as CacheKey, { diffId: layer.digest, size: layer.size, created: '2026-01-01T00:00:00Z' });
  await cache.putSourceDigest('sha256:stage' as CacheKey, '["/app"]', 'sha256:content');
  await cache.putBase('sha256:base' as CacheKey);
  const hold = await holdCacheMount(root, 'npm', {
    sharing: 'shared',
    label: 'id=npm',
    seed: (target) => mkdir(target).then(() => undefined),
  });
  await writeFile(join(hold.path, 'package.tgz'), Buffer.alloc(100_000, 2));
  await hold.release();
  const unpacked = layerFsDir(root, layer.digest);
  await mkdir(unpacked, { recursive: true });
  await writeFile(join(unpacked, 'file'), Buffer.alloc(30_000, 3));
  await mkdir(join(root, 'context-cache'), { recursive: true });
  await writeFile(join(root, 'context-cache', 'abc.json'), '{"entries":[]}');
  return { layer: layer.digest, unpacked };
}

describe('pruneBuildCache', () => {
  it('removes the cache mounts, records, unpacked layers, stat caches and the blobs only the cache kept', async () => {
    const { layer } = await leaveBuildCache();
    await store.kv.put('other/entry', { kept: true });
    const result = await pruneBuildCache(store);
    expect(result).toMatchObject({
      busy: [],
      records: 3,
      cacheMounts: { removed: 1, inUse: 0, removedCaches: ['id=npm'] },
      unpackedLayers: { removed: 1, kept: 0 },
      store: { removedBlobs: 1, freedBytes: 64_000 },
    });
    expect(result.cacheMounts.freedBytes).toBeGreaterThanOrEqual(100_000);
    expect(result.unpackedLayers.freedBytes).toBeGreaterThanOrEqual(30_000);
    expect(result.contextCacheBytes).toBeGreaterThan(0);
    expect(await store.kv.keys()).toEqual(['other/entry']);
    expect(await store.hasBlob(layer)).toBe(false);
    expect(await readdir(join(root, 'cache-mounts'))).toEqual([]);
    expect(await readdir(join(root, 'snapshots', 'layers'))).toEqual([]);
    await expect(readdir(join(root, 'context-cache'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await store.verify()).corrupt).toEqual([]);
  });

  it('while a build holds a lease, keeps records, layers and stat caches (cache mounts nobody uses still go)', async () => {
    const { layer, unpacked } = await leaveBuildCache();
    const lease = await store.createLease();
    try {
      const result = await pruneBuildCache(store);
      expect(result).toMatchObject({ busy: [currentOwner()], records: 0, unpackedLayers: { removed: 0 }, contextCacheBytes: 0, cacheMounts: { removed: 1 } });
      expect(await store.kv.keys('solve/')).toHaveLength(3);
      expect(await store.hasBlob(layer)).toBe(true);
      expect(await readdir(unpacked)).toEqual(['file']);
    } finally {
      await lease.release();
    }
    expect((await pruneBuildCache(store)).records).toBe(3);
  });

  it('keeps the unpacked layers a container stacks', async () => {
    const { unpacked } = await leaveBuildCache();
    const result = await pruneBuildCache(store, { keepDirs: [unpacked] });
    expect(result.unpackedLayers).toMatchObject({ removed: 0, kept: 1 });
    expect(await readdir(unpacked)).toEqual(['file']);
  });
});
