import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { pruneUnpackedLayers, recoverSnapshots } from '../snapshot/index.js';
import type { LayerPruneResult } from '../snapshot/index.js';
import type { PruneResult, Store } from '../store/index.js';
import { diskUsage } from '../util/disk-usage.js';
import { pruneBuildCacheRecords } from './build-cache.js';
import { pruneCacheMounts } from './cache-mount-prune.js';
import type { CacheMountPruneResult } from './cache-mount-prune.js';

export interface BuildCachePruneResult {
  readonly cacheMounts: CacheMountPruneResult;
  /** Build cache records deleted (step results, source digests, bases seen). */
  readonly records: number;
  readonly unpackedLayers: LayerPruneResult;
  /** Bytes of the build contexts' file-stat caches removed. */
  readonly contextCacheBytes: number;
  /**
   * Processes (`PID-STARTTIME`) that were building or writing to the store: while there are any,
   * the records, unpacked layers and context caches are all kept (a build may be about to use them).
   */
  readonly busy: readonly string[];
  /** What the store's prune removed: dangling images, and the blobs nothing reaches any more. */
  readonly store: PruneResult;
}

export interface PruneBuildCacheOptions {
  /** Directories in use outside builds (containers' lowerdirs): their unpacked layers are kept. */
  readonly keepDirs?: Iterable<string>;
  readonly signal?: AbortSignal;
}

/** Where the build contexts' stat caches live (context-source.ts writes them). */
function contextCacheDir(root: string): string {
  return join(root, 'context-cache');
}

const NOTHING: LayerPruneResult = { removed: 0, kept: 0, freedBytes: 0 };

/**
 * `prune --cache`: everything a build keeps to go faster next time, as `docker builder prune -a`
 * removes it: the cache mounts' contents (instances no running step uses), then, under the store
 * lock in one prune, the build cache records, the unpacked layers no snapshot or container uses
 * and the context stat caches, and the blobs that leaves unreferenced (built layers only the cache
 * kept). Builds take a lease under the same lock when they start, so either this prune sees a
 * build running, and then keeps records, layers and stat caches, or the build starts after it.
 */
export async function pruneBuildCache(store: Store, options: PruneBuildCacheOptions = {}): Promise<BuildCachePruneResult> {
  const { signal } = options;
  const root = store.root;
  const cacheMounts = await pruneCacheMounts(root, signal !== undefined ? { signal } : {});
  let records = 0;
  let unpackedLayers = NOTHING;
  let contextCacheBytes = 0;
  let busy: readonly string[] = [];
  const result = await store.prune({
    ...(signal !== undefined ? { signal } : {}),
    beforeCollect: async ({ leaseOwners }) => {
      busy = [...new Set(leaseOwners)];
      if (busy.length > 0) return;
      records = await pruneBuildCacheRecords(store.kv);
      await recoverSnapshots(root);
      unpackedLayers = await pruneUnpackedLayers(root, { ...(options.keepDirs !== undefined ? { keep: options.keepDirs } : {}), ...(signal !== undefined ? { signal } : {}) });
      contextCacheBytes = (await diskUsage(contextCacheDir(root))).bytes;
      await rm(contextCacheDir(root), { recursive: true, force: true });
    },
  });
  return { cacheMounts, records, unpackedLayers, contextCacheBytes, busy, store: result };
}
