import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { sortByBytes } from '../util/byte-order.js';
import type { TarEntry, TarEntryType } from '../tar/index.js';
import { readXattrs } from './xattrs.js';
import type { XattrTable } from './xattrs.js';

/**
 * How a directory is read into a layer:
 * - `full`: every file is content (a root filesystem, the first layer of an image);
 * - `overlay-diff`: the directory is an overlayfs upperdir, so a 0/0 character device is a deleted
 *   path (written as the OCI whiteout `.wh.<name>`) and a directory with the
 *   `trusted.overlay.opaque=y` xattr hides everything below it in lower layers (written as
 *   `<dir>/.wh..wh..opq`).
 */
export type DirectoryLayerMode = 'full' | 'overlay-diff';

export interface DirectoryLayerOptions {
  readonly mode: DirectoryLayerMode;
  /** Clamp every mtime to at most this (seconds since the epoch): SOURCE_DATE_EPOCH. */
  readonly clampMtime?: number;
  readonly signal?: AbortSignal;
  /** The tree's xattrs when the caller already started reading them (readXattrs of `root`). */
  readonly xattrs?: Promise<XattrTable>;
}

/** xattrs carried into layers; overlayfs' own `trusted.overlay.*` ones never are. */
function keepXattr(name: string): boolean {
  return name === 'security.capability' || name.startsWith('user.');
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

function entryType(stats: Stats): TarEntryType | undefined {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isCharacterDevice()) return 'char';
  if (stats.isBlockDevice()) return 'block';
  if (stats.isFIFO()) return 'fifo';
  return undefined; // sockets are not archived (as docker and BuildKit skip them)
}

function isWhiteoutDevice(stats: Stats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0;
}

/**
 * Walks `root` and yields the entries of a layer tar in a deterministic order (depth first,
 * names sorted bytewise), keeping modes (setuid/setgid/sticky included), ownership, symlinks,
 * hardlinks (later paths of one inode become links to the first), device nodes, FIFOs, empty
 * directories, long and non-ASCII names, and the `security.capability` / `user.*` xattrs.
 */
export async function* directoryLayerEntries(root: string, options: DirectoryLayerOptions): AsyncGenerator<TarEntry> {
  const table = await (options.xattrs ?? readXattrs(root).then((read) => read.table));
  const seenInodes = new Map<string, string>();
  yield* walk(root, '', table, seenInodes, options);
}

async function* walk(
  root: string,
  relDir: string,
  xattrs: XattrTable,
  seenInodes: Map<string, string>,
  options: DirectoryLayerOptions,
): AsyncGenerator<TarEntry> {
  options.signal?.throwIfAborted();
  // metadata comes from the inode cache: direct calls cost microseconds, a thread-pool round trip far more
  const names = sortByBytes(readdirSync(join(root, relDir)));
  for (const name of names) {
    const rel = relDir === '' ? name : `${relDir}/${name}`;
    const abs = join(root, rel);
    const stats = lstatSync(abs);
    const mtime = Math.floor(stats.mtimeMs / 1000);
    const base = {
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
      mtime: options.clampMtime !== undefined ? Math.min(mtime, options.clampMtime) : mtime,
    };
    if (options.mode === 'overlay-diff' && isWhiteoutDevice(stats)) {
      const whiteout = relDir === '' ? `${WHITEOUT_PREFIX}${name}` : `${relDir}/${WHITEOUT_PREFIX}${name}`;
      yield { header: { ...base, name: whiteout, type: 'file', mode: 0, size: 0 } };
      continue;
    }
    const type = entryType(stats);
    if (type === undefined) continue;
    const attrs = xattrs.get(rel);
    const kept = new Map<string, Uint8Array>();
    if (attrs !== undefined) for (const [key, value] of attrs) if (keepXattr(key)) kept.set(key, value);
    const withXattrs = kept.size > 0 ? { xattrs: kept } : {};
    if (type === 'directory') {
      yield { header: { ...base, ...withXattrs, name: `${rel}/`, type, size: 0 } };
      const opaque = attrs?.get('trusted.overlay.opaque');
      if (options.mode === 'overlay-diff' && opaque !== undefined && Buffer.from(opaque).toString() === 'y') {
        yield { header: { ...base, name: `${rel}/${OPAQUE_MARKER}`, type: 'file', mode: 0, size: 0 } };
      }
      yield* walk(root, rel, xattrs, seenInodes, options);
      continue;
    }
    if (type === 'file' && stats.nlink > 1) {
      const key = `${stats.dev}:${stats.ino}`;
      const first = seenInodes.get(key);
      if (first !== undefined) {
        yield { header: { ...base, ...withXattrs, name: rel, type: 'hardlink', linkname: first, size: 0 } };
        continue;
      }
      seenInodes.set(key, rel);
    }
    if (type === 'symlink') {
      yield { header: { ...base, name: rel, type, linkname: readlinkSync(abs), size: 0 } };
    } else if (type === 'char' || type === 'block') {
      // Linux encodes major in bits 8-19 and minor in bits 0-7 and 20-31 of rdev.
      const devmajor = (stats.rdev >> 8) & 0xfff;
      const devminor = (stats.rdev & 0xff) | ((stats.rdev >> 12) & 0xfff00);
      yield { header: { ...base, ...withXattrs, name: rel, type, size: 0, devmajor, devminor } };
    } else if (type === 'file') {
      yield { header: { ...base, ...withXattrs, name: rel, type, size: stats.size }, path: abs };
    } else {
      yield { header: { ...base, name: rel, type, size: 0 } };
    }
  }
}
