import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { diskUsage } from '../util/disk-usage.js';
import { activeEntry } from './active-snapshots.js';
import { activeDir, layersDir, TEMP_MARKER } from './layout.js';
import { isOwnerAlive, ownedName, ownerOf } from './process-owner.js';

export interface LayerPruneResult {
  /** Unpacked layers removed. */
  readonly removed: number;
  /** Unpacked layers kept because a snapshot or a caller's `keep` names them. */
  readonly kept: number;
  readonly freedBytes: number;
}

export interface PruneLayersOptions {
  /** Directories in use that may be unpacked layers (containers' lowerdirs): their layers are kept. */
  readonly keep?: Iterable<string>;
  readonly signal?: AbortSignal;
}

const LAYER = /^[0-9a-f]{64}$/;

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The layer (by DiffID hex) a path lies in, when it lies in the unpacked-layer cache of `root`. */
function layerOf(root: string, path: string): string | undefined {
  const rel = relative(layersDir(root), path);
  if (rel === '' || rel.startsWith('..')) return undefined;
  const first = rel.split(sep)[0] ?? '';
  return LAYER.test(first) ? first : undefined;
}

/**
 * The lowerdirs of the snapshots that live processes hold (their records list them): `<id>/record.json`,
 * or `<id>.json` beside the directory as earlier versions wrote it.
 */
async function activeLowerDirs(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await names(activeDir(root))) {
    if (name.startsWith(TEMP_MARKER)) continue;
    const entry = activeEntry(root, name);
    const owner = ownerOf(entry.id);
    if (owner !== undefined && !(await isOwnerAlive(owner))) continue;
    try {
      const record = JSON.parse(await readFile(entry.record, 'utf8')) as { lowerDirs?: unknown };
      if (Array.isArray(record.lowerDirs)) for (const dir of record.lowerDirs as unknown[]) if (typeof dir === 'string') out.push(dir);
    } catch {
      // released meanwhile, not recorded yet, or unreadable: nothing to keep for it
    }
  }
  return out;
}

/**
 * Removes the unpacked layers (`snapshots/layers/<diffid>`) that no snapshot of a live process
 * stacks and that `keep` does not name. Each goes by a rename to an owner-tagged temp name first,
 * so a crash mid-removal leaves a temp directory recoverSnapshots removes, never a half layer
 * under its real name. The caller makes sure no build is running: a build unpacks layers before
 * it records a snapshot over them (`prune --cache` holds the store lock and checks the leases).
 */
export async function pruneUnpackedLayers(root: string, options: PruneLayersOptions = {}): Promise<LayerPruneResult> {
  const used = new Set<string>();
  for (const dir of [...(options.keep ?? []), ...(await activeLowerDirs(root))]) {
    const layer = layerOf(root, dir);
    if (layer !== undefined) used.add(layer);
  }
  let removed = 0;
  let kept = 0;
  let freedBytes = 0;
  for (const name of (await names(layersDir(root))).sort()) {
    options.signal?.throwIfAborted();
    if (!LAYER.test(name)) continue;
    if (used.has(name)) {
      kept++;
      continue;
    }
    const path = join(layersDir(root), name);
    const { bytes } = await diskUsage(path, options.signal !== undefined ? { signal: options.signal } : {});
    const trash = `${path}${TEMP_MARKER}${ownedName()}`;
    await rename(path, trash);
    await rm(trash, { recursive: true, force: true });
    removed++;
    freedBytes += bytes;
  }
  return { removed, kept, freedBytes };
}
