import { chmod, lchown, link, lstat, lutimes, mkdir, readdir, readlink, unlink } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { isOpaqueIn, layerXattrTable, OPAQUE_XATTR } from './copy-merge.js';
import { ancestorsOf } from './entry-path.js';
import { makeWhiteoutTemplate, setXattrs } from './special-files.js';
import type { XattrAssignment } from './special-files.js';
import { readXattrs } from './xattrs.js';
import type { XattrTable } from './xattrs.js';

/*
 * The copying snapshotter's commit: compares the working copy (rootfs) with the lower view (the
 * unpacked layers, read in place) and writes the difference as an overlayfs-style upperdir, so the
 * rest of the commit is the one overlay snapshots use. Added and changed entries are hard links
 * to the working copy (same inode, so owners, modes, times and hard-link groups carry over);
 * deleted ones are 0/0 devices; a directory that was removed and made again (a new inode, told
 * apart by inode number and birth time) is opaque, as overlayfs marks it.
 */

/** Identity of a directory: inode number and birth time (a recycled inode number gets a new birth time). */
export function dirIdentity(stats: BigIntStats): string {
  return `${stats.ino}:${stats.birthtimeNs}`;
}

/** The identities of every directory under `dir`, by relative path (taken right after the copy). */
export async function recordDirIdentities(dir: string): Promise<Map<string, string>> {
  const identities = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      identities.set(child, dirIdentity(await lstat(join(dir, child), { bigint: true })));
      await walk(child);
    }
  };
  await walk('');
  return identities;
}

interface LowerEntry {
  readonly layer: string;
  readonly stats: BigIntStats;
}

function isWhiteout(stats: BigIntStats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0n;
}

async function lstatOrUndefined(path: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(path, { bigint: true });
  } catch {
    return undefined;
  }
}

function keptXattrs(table: XattrTable, rel: string): Map<string, Uint8Array> {
  const kept = new Map<string, Uint8Array>();
  for (const [name, value] of table.get(rel) ?? []) if (!name.startsWith('trusted.overlay.')) kept.set(name, value);
  return kept;
}

function sameXattrs(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) {
    const other = b.get(name);
    if (other === undefined || Buffer.compare(Buffer.from(value), Buffer.from(other)) !== 0) return false;
  }
  return true;
}

function sameMetadata(a: BigIntStats, b: BigIntStats): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.mtimeNs === b.mtimeNs && a.rdev === b.rdev && (a.isDirectory() || a.size === b.size);
}

export interface DiffOptions {
  /** Directory identities recorded when the working copy was made (recordDirIdentities). */
  readonly identities: ReadonlyMap<string, string>;
  /** Scratch space on the same file system (for the whiteout template). */
  readonly scratchDir: string;
  readonly signal?: AbortSignal;
}

/** Writes into `diffDir` (empty) the overlayfs-style difference between `rootfs` and `lowers` (top first). */
export async function writeCopyDiff(rootfs: string, lowers: readonly string[], diffDir: string, options: DiffOptions): Promise<void> {
  const differ = new CopyDiffer(rootfs, diffDir, options, (await readXattrs(rootfs)).table);
  const tables = new Map<string, XattrTable>();
  for (const layer of lowers) tables.set(layer, await layerXattrTable(layer));
  await differ.walk('', lowers, tables);
  await differ.finish();
}

class CopyDiffer {
  readonly #madeDirs = new Map<string, BigIntStats>();
  readonly #opaque = new Set<string>();
  readonly #whiteouts: string[] = [];

  constructor(
    private readonly rootfs: string,
    private readonly diffDir: string,
    private readonly options: DiffOptions,
    private readonly table: XattrTable,
  ) {}

  /** The lower view's children of `rel` (a directory in every layer of `layers`): topmost wins, whiteouts delete. */
  async #lowerChildren(rel: string, layers: readonly string[], tables: ReadonlyMap<string, XattrTable>): Promise<Map<string, LowerEntry>> {
    const children = new Map<string, LowerEntry>();
    const seen = new Set<string>();
    for (const layer of layers) {
      for (const name of await readdir(join(layer, rel))) {
        if (seen.has(name)) continue;
        seen.add(name);
        const stats = await lstat(join(layer, rel, name), { bigint: true });
        if (!isWhiteout(stats)) children.set(name, { layer, stats });
      }
      if (isOpaqueIn(tables.get(layer) ?? new Map(), rel)) break;
    }
    return children;
  }

  /** The layers in which `rel` is a visible directory, top first (stopping where it is hidden). */
  async #layersOf(rel: string, layers: readonly string[], tables: ReadonlyMap<string, XattrTable>): Promise<string[]> {
    const found: string[] = [];
    for (const layer of layers) {
      const stats = await lstatOrUndefined(join(layer, rel));
      if (stats === undefined) continue;
      if (!stats.isDirectory()) break;
      found.push(layer);
      if (isOpaqueIn(tables.get(layer) ?? new Map(), rel)) break;
    }
    return found;
  }

  /** Compares directory `rel` of the working copy with the lower view; true if anything below it changed. */
  async walk(rel: string, layers: readonly string[], tables: ReadonlyMap<string, XattrTable>): Promise<boolean> {
    this.options.signal?.throwIfAborted();
    const lower = await this.#lowerChildren(rel, layers, tables);
    const upper = await readdir(join(this.rootfs, rel));
    const names = [...new Set([...upper, ...lower.keys()])].sort();
    const present = new Set(upper);
    let changed = false;
    for (const name of names) {
      const child = rel === '' ? name : `${rel}/${name}`;
      const low = lower.get(name);
      if (!present.has(name)) {
        if (low !== undefined) {
          await this.#ensureParents(child);
          this.#whiteouts.push(child);
          changed = true;
        }
        continue;
      }
      const up = await lstat(join(this.rootfs, child), { bigint: true });
      if (low === undefined) {
        await this.#addTree(child, up, false);
        changed = true;
      } else if (up.isDirectory() && low.stats.isDirectory()) {
        if (this.options.identities.get(child) !== dirIdentity(up)) {
          await this.#addTree(child, up, true); // removed and made again: hides everything below
          changed = true;
        } else {
          const below = await this.walk(child, await this.#layersOf(child, layers, tables), tables);
          const lowXattrs = keptXattrs(tables.get(low.layer) ?? new Map(), child);
          if (below || !sameMetadata(up, low.stats) || !sameXattrs(keptXattrs(this.table, child), lowXattrs)) {
            await this.#ensureParents(child);
            await this.#makeDir(child, up);
            changed = true;
          }
        }
      } else if (!(await this.#sameEntry(child, up, low, tables))) {
        await this.#addTree(child, up, up.isDirectory());
        changed = true;
      }
    }
    return changed;
  }

  async #sameEntry(child: string, up: BigIntStats, low: LowerEntry, tables: ReadonlyMap<string, XattrTable>): Promise<boolean> {
    if (!sameMetadata(up, low.stats)) return false;
    if (!sameXattrs(keptXattrs(this.table, child), keptXattrs(tables.get(low.layer) ?? new Map(), child))) return false;
    if (up.isSymbolicLink()) return (await readlink(join(this.rootfs, child))) === (await readlink(join(low.layer, child)));
    return true;
  }

  /** Makes every ancestor of `child` in the diff, with the working copy's metadata (applied in finish). */
  async #ensureParents(child: string): Promise<void> {
    for (const dir of ancestorsOf(child)) {
      if (!this.#madeDirs.has(dir)) await this.#makeDir(dir, await lstat(join(this.rootfs, dir), { bigint: true }));
    }
  }

  async #makeDir(rel: string, stats: BigIntStats): Promise<void> {
    if (this.#madeDirs.has(rel)) return;
    await mkdir(join(this.diffDir, rel), { mode: 0o700 });
    this.#madeDirs.set(rel, stats);
  }

  /** Puts `child` and everything below it into the diff (its parents are made first). */
  async #addTree(child: string, stats: BigIntStats, opaque: boolean, parentsMade = false): Promise<void> {
    if (!parentsMade) await this.#ensureParents(child);
    if (!stats.isDirectory()) {
      await link(join(this.rootfs, child), join(this.diffDir, child));
      return;
    }
    await this.#makeDir(child, stats);
    if (opaque) this.#opaque.add(child);
    for (const name of await readdir(join(this.rootfs, child))) {
      const grandchild = `${child}/${name}`;
      await this.#addTree(grandchild, await lstat(join(this.rootfs, grandchild), { bigint: true }), false, true);
    }
  }

  async finish(): Promise<void> {
    const signal = this.options.signal;
    if (this.#whiteouts.length > 0) {
      const template = join(this.options.scratchDir, 'whiteout');
      await makeWhiteoutTemplate(template, signal ? { signal } : {});
      for (const rel of this.#whiteouts) await link(template, join(this.diffDir, rel));
      await unlink(template);
    }
    const assignments: XattrAssignment[] = [];
    for (const rel of this.#madeDirs.keys()) {
      const xattrs = keptXattrs(this.table, rel);
      if (this.#opaque.has(rel)) xattrs.set(OPAQUE_XATTR, Buffer.from('y'));
      if (xattrs.size > 0) assignments.push({ rel, xattrs });
    }
    await setXattrs(this.diffDir, assignments, signal ? { signal } : {});
    const rootStats = await lstat(this.rootfs, { bigint: true });
    for (const [rel, stats] of [...this.#madeDirs, ['', rootStats] as const]) {
      const abs = rel === '' ? this.diffDir : join(this.diffDir, rel);
      await lchown(abs, Number(stats.uid), Number(stats.gid));
      await chmod(abs, Number(stats.mode & 0o7777n));
      await lutimes(abs, Number(stats.atimeNs) / 1e9, Number(stats.mtimeNs) / 1e9);
    }
  }
}
