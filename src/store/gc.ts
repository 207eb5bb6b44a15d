import { isDigest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import type { StoreParts } from './parts.js';

/** Blobs larger than this are never parsed while walking (manifests and indexes are small). */
const MAX_WALK_BLOB = 4 * 1024 * 1024;

interface Walkable {
  readonly config?: unknown;
  readonly layers?: unknown;
  readonly manifests?: unknown;
}

function digestOf(value: unknown): Digest | undefined {
  const d = typeof value === 'object' && value !== null ? (value as { digest?: unknown }).digest : undefined;
  return typeof d === 'string' && isDigest(d) ? d : undefined;
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** Reads a blob as a manifest or index if it looks like one (small, JSON); undefined otherwise. */
async function readWalkable(parts: StoreParts, digest: Digest): Promise<Walkable | undefined> {
  const size = await parts.blobs.size(digest);
  if (size === undefined || size > MAX_WALK_BLOB || size < 2) return undefined;
  const bytes = await parts.blobs.read(digest);
  if (bytes[0] !== 0x7b) return undefined; // not '{': not JSON
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every blob reachable from `roots`: a manifest reaches its config and layers, an index its
 * manifests. Configs and layers are marked without being read.
 */
export async function reachableBlobs(parts: StoreParts, roots: Iterable<Digest>): Promise<Set<Digest>> {
  const seen = new Set<Digest>();
  const pending = [...roots];
  for (let d = pending.pop(); d !== undefined; d = pending.pop()) {
    if (seen.has(d)) continue;
    seen.add(d);
    const node = await readWalkable(parts, d);
    if (node === undefined) continue;
    const config = digestOf(node.config);
    if (config !== undefined && Array.isArray(node.layers)) {
      seen.add(config);
      for (const layer of listOf(node.layers)) {
        const l = digestOf(layer);
        if (l !== undefined) seen.add(l);
      }
    }
    for (const child of listOf(node.manifests)) {
      const c = digestOf(child);
      if (c !== undefined) pending.push(c);
    }
  }
  return seen;
}

/** The GC roots: references, image records, live leases and cache entries. Hold the lock. */
export async function gcRoots(parts: StoreParts): Promise<Set<Digest>> {
  const roots = new Set<Digest>();
  for (const ref of await parts.refs.list()) roots.add(ref.digest);
  for (const record of await parts.images.list()) roots.add(record.digest);
  for (const d of await parts.leases.leasedDigests()) roots.add(d);
  for (const d of await parts.kv.blobRoots()) roots.add(d);
  return roots;
}

/**
 * Deletes those of `candidates` (or, without candidates, of all blobs) that no root reaches.
 * Hold the store lock.
 */
export async function collectGarbage(parts: StoreParts, candidates?: Iterable<Digest>, signal?: AbortSignal): Promise<{ removedBlobs: number; freedBytes: number }> {
  const reachable = await reachableBlobs(parts, await gcRoots(parts));
  let removedBlobs = 0;
  let freedBytes = 0;
  for (const digest of candidates ?? (await parts.blobs.list())) {
    signal?.throwIfAborted();
    if (reachable.has(digest)) continue;
    const size = await parts.blobs.size(digest);
    if (size === undefined) continue;
    if (await parts.blobs.remove(digest)) {
      removedBlobs++;
      freedBytes += size;
    }
  }
  return { removedBlobs, freedBytes };
}
