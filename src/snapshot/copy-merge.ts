import { lstat, readdir, rm, unlink } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { runCommand } from './run-command.js';
import { removeXattr } from './special-files.js';
import { readXattrs } from './xattrs.js';
import type { XattrTable } from './xattrs.js';

/*
 * The copying snapshotter's half of what overlayfs does at mount time: the lower layers (unpacked
 * with overlayfs whiteouts) are applied bottom to top onto a plain directory with `cp -a`, after
 * removing what each layer deletes (its 0/0 devices), hides (its opaque directories) or replaces
 * with another type (a directory over a file or a symlink, and the reverse).
 */

export const OPAQUE_XATTR = 'trusted.overlay.opaque';

/** xattr tables of unpacked layers (immutable, so read once per process). */
const layerTables = new Map<string, Promise<XattrTable>>();

export function layerXattrTable(dir: string): Promise<XattrTable> {
  let table = layerTables.get(dir);
  if (table === undefined) {
    table = readXattrs(dir).then((result) => result.table);
    layerTables.set(dir, table);
    table.catch(() => layerTables.delete(dir));
  }
  return table;
}

export function isOpaqueIn(table: XattrTable, rel: string): boolean {
  const value = table.get(rel)?.get(OPAQUE_XATTR);
  return value !== undefined && Buffer.from(value).toString() === 'y';
}

async function listDir(dir: string): Promise<Dirent[] | undefined> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return undefined; // missing, or not a directory
  }
}

function childOf(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}

interface LayerMarks {
  readonly whiteouts: string[];
  readonly opaque: string[];
}

/**
 * Walks one layer against the merged tree so far: removes from `target` what the layer deletes,
 * hides or replaces with another type, and collects the layer's whiteouts and opaque dirs.
 * `target` entries are only removed (never followed: a symlink is removed, not entered).
 */
async function clearForLayer(layer: string, target: string, rel: string, table: XattrTable, marks: LayerMarks): Promise<void> {
  const entries = (await listDir(join(layer, rel))) ?? [];
  const present = await listDir(join(target, rel));
  const there = new Map((present ?? []).map((entry) => [entry.name, entry]));
  for (const entry of entries) {
    const child = childOf(rel, entry.name);
    const existing = there.get(entry.name);
    if (entry.isCharacterDevice() && (await lstat(join(layer, child))).rdev === 0) {
      marks.whiteouts.push(child);
      if (existing !== undefined) await rm(join(target, child), { recursive: true, force: true });
      continue;
    }
    if (entry.isDirectory()) {
      if (isOpaqueIn(table, child)) {
        marks.opaque.push(child);
        if (existing !== undefined) await rm(join(target, child), { recursive: true, force: true });
      } else if (existing !== undefined && !existing.isDirectory()) {
        await rm(join(target, child), { force: true });
      }
      await clearForLayer(layer, target, child, table, marks);
    } else if (existing?.isDirectory() === true) {
      await rm(join(target, child), { recursive: true, force: true });
    }
  }
}

/**
 * Fills `target` (an empty directory) with the merged view of `lowers` (top first), as overlayfs
 * would show it, by copying each layer with `cp -a` (owners, modes, times, hard links, xattrs).
 */
export async function mergeLayersByCopy(lowers: readonly string[], target: string, options: { signal?: AbortSignal } = {}): Promise<void> {
  for (const layer of [...lowers].reverse()) {
    options.signal?.throwIfAborted();
    const marks: LayerMarks = { whiteouts: [], opaque: [] };
    await clearForLayer(layer, target, '', await layerXattrTable(layer), marks);
    const copy = await runCommand('cp', ['-a', '--remove-destination', '--', `${layer}/.`, `${target}/`], options);
    options.signal?.throwIfAborted();
    if (copy.code !== 0) {
      throw new BuildError('SNAPSHOT_FAILED', `copying layer ${layer} into ${target} failed: ${copy.stderr}`, {
        details: { layer, target, stderr: copy.stderr },
      });
    }
    // The copy brought the layer's whiteout devices and opaque markers along: drop them.
    for (const rel of marks.whiteouts) await unlink(join(target, rel));
    await removeXattr(target, marks.opaque, OPAQUE_XATTR, options);
  }
}
