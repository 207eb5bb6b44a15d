import { describe, expect, it } from 'vitest';
import type { Digest } from '../oci/index.js';
import type { BuildCachePruneResult } from '../solve/index.js';
import { humanSize } from './commands/images.js';
import { formatBuildCachePrune } from './prune-report.js';

function result(fields: Partial<BuildCachePruneResult> = {}): BuildCachePruneResult {
  return {
    cacheMounts: { removed: 2, removedCaches: ['id=npm', 'id=/root/.cache/go-build'], inUse: 0, freedBytes: 52_000_000 },
    records: 14,
    unpackedLayers: { removed: 5, kept: 0, freedBytes: 310_000_000 },
    contextCacheBytes: 8_192,
    busy: [],
    store: { removedBlobs: 6, freedBytes: 40_000_000, removedImages: [], removedTempFiles: 0 },
    ...fields,
  };
}

describe('formatBuildCachePrune', () => {
  it('lists what went and the total', () => {
    expect(formatBuildCachePrune(result(), humanSize)).toEqual([
      'Deleted build cache:',
      '  cache mounts:        2 directories (52MB): id=npm id=/root/.cache/go-build',
      '  cache records:       14',
      '  unpacked layers:     5 (310MB)',
      '  context stat caches: 8.19kB',
      '  blobs:               6 (40MB)',
      'Total reclaimed space: 402MB',
    ]);
  });

  it.each<[string, Partial<BuildCachePruneResult>, string]>([
    ['a cache mount in use', { cacheMounts: { removed: 0, removedCaches: [], inUse: 1, freedBytes: 0 } }, 'Kept 1 cache mount directory in use by a running step'],
    ['layers containers use', { unpackedLayers: { removed: 1, kept: 3, freedBytes: 1 } }, 'Kept 3 unpacked layers in use by containers or snapshots'],
    ['a running build', { busy: ['4242-99', '4242-99', '77-1'] }, 'Kept the cache records, unpacked layers and stat caches: a build or a store write is running (process 4242, 77); prune again when it is done'],
    ['dangling images', { store: { removedBlobs: 0, freedBytes: 0, removedImages: [`sha256:${'a'.repeat(64)}` as Digest], removedTempFiles: 0 } }, `deleted: sha256:${'a'.repeat(64)}`],
    ['leftover temp files', { store: { removedBlobs: 0, freedBytes: 0, removedImages: [], removedTempFiles: 1 } }, 'Removed 1 leftover temporary file'],
  ])('says so for %s', (_name, fields, line) => {
    expect(formatBuildCachePrune(result(fields), humanSize)).toContain(line);
  });
});
