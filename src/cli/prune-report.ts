import type { BuildCachePruneResult } from '../solve/index.js';

function count(n: number, one: string, many: string): string {
  return `${String(n)} ${n === 1 ? one : many}`;
}

/**
 * The lines `prune --cache` prints: what went (cache mounts, build cache records, unpacked layers,
 * blobs), what was kept because it is in use and why, and the space reclaimed. `size` formats bytes.
 */
export function formatBuildCachePrune(result: BuildCachePruneResult, size: (bytes: number) => string): string[] {
  const { cacheMounts, unpackedLayers, store } = result;
  const lines: string[] = [];
  if (store.removedImages.length > 0) lines.push('Deleted Images:', ...store.removedImages.map((d) => `deleted: ${d}`), '');
  const caches = cacheMounts.removedCaches.length > 0 ? `: ${cacheMounts.removedCaches.join(' ')}` : '';
  lines.push(
    'Deleted build cache:',
    `  cache mounts:        ${count(cacheMounts.removed, 'directory', 'directories')} (${size(cacheMounts.freedBytes)})${caches}`,
    `  cache records:       ${String(result.records)}`,
    `  unpacked layers:     ${String(unpackedLayers.removed)} (${size(unpackedLayers.freedBytes)})`,
    `  context stat caches: ${size(result.contextCacheBytes)}`,
    `  blobs:               ${String(store.removedBlobs)} (${size(store.freedBytes)})`,
  );
  if (cacheMounts.inUse > 0) lines.push(`Kept ${count(cacheMounts.inUse, 'cache mount directory', 'cache mount directories')} in use by a running step`);
  if (unpackedLayers.kept > 0) lines.push(`Kept ${count(unpackedLayers.kept, 'unpacked layer', 'unpacked layers')} in use by containers or snapshots`);
  if (result.busy.length > 0) {
    const pids = [...new Set(result.busy.map((owner) => owner.split('-')[0] ?? owner))].join(', ');
    lines.push(`Kept the cache records, unpacked layers and stat caches: a build or a store write is running (process ${pids}); prune again when it is done`);
  }
  if (store.removedTempFiles > 0) lines.push(`Removed ${count(store.removedTempFiles, 'leftover temporary file', 'leftover temporary files')}`);
  const total = cacheMounts.freedBytes + unpackedLayers.freedBytes + result.contextCacheBytes + store.freedBytes;
  lines.push(`Total reclaimed space: ${size(total)}`);
  return lines;
}
