import type { BigIntStats } from 'node:fs';

export type ContextEntryType =
  | 'file'
  | 'dir'
  | 'symlink'
  | 'fifo'
  | 'socket'
  | 'char-device'
  | 'block-device';

/**
 * One path of the build context, with the stat information it was listed with (taken with
 * lstat: symlinks are described, never followed). The stat fields are what a content-digest
 * cache keys on: an entry whose (size, mtimeNs, ctimeNs, ino, dev, mode) are unchanged since
 * it was last hashed need not be read again.
 */
export interface ContextEntry {
  /** Relative to the context root, `/`-separated, no leading `./` (`src/app.js`). */
  readonly path: string;
  readonly type: ContextEntryType;
  /** Permission bits including setuid/setgid/sticky (`st_mode & 0o7777`). */
  readonly mode: number;
  /** Size in bytes for files and symlinks (the target's length); 0 for directories. */
  readonly size: number;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly ino: bigint;
  readonly dev: bigint;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  /** Device number of a character or block device; 0 otherwise. */
  readonly rdev: number;
  /** A symlink's target, exactly as stored. */
  readonly linkTarget?: string;
}

export function entryType(stats: BigIntStats): ContextEntryType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'char-device';
  return 'block-device';
}

export function toContextEntry(path: string, stats: BigIntStats, linkTarget?: string): ContextEntry {
  const type = entryType(stats);
  return {
    path,
    type,
    mode: Number(stats.mode & 0o7777n),
    size: type === 'dir' ? 0 : Number(stats.size),
    mtimeNs: stats.mtimeNs,
    ctimeNs: stats.ctimeNs,
    ino: stats.ino,
    dev: stats.dev,
    nlink: Number(stats.nlink),
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    rdev: Number(stats.rdev),
    ...(linkTarget !== undefined ? { linkTarget } : {}),
  };
}
