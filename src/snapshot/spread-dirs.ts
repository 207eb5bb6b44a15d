import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeSys } from '../native/sys.js';
import { activeDir, layersDir, snapshotsDir } from './layout.js';

/*
 * Snapshots and unpacked layers are many independent trees, made and removed build after build.
 * ext4's Orlov allocator puts a new directory, and then the files in it, in its parent's block
 * group, so they all pile into the few groups of `snapshots/active` and `snapshots/layers`. On ext4
 * without a journal (as on this project's machines) every inode allocation skips the inodes of
 * that group freed in the last `dirtytime_expire_seconds` (12 h), reading each one's inode-table
 * block: in a group where thousands of files were created and removed, creating a file takes
 * milliseconds. `perf` showed a COPY of 5,000 files spending its time in ext4's recently_deleted()
 * and in threads spinning on the directory's lock behind it (bigcopy cold: 10.6 s; 4.7 s with the
 * flag below).
 *
 * The remedy is the one ext4 offers: the "top of directory hierarchies" flag (chattr +T,
 * FS_TOPDIR_FL) on those two folders, so that each new snapshot or layer directory is placed in a
 * group of its own choosing with free inodes. It changes only where inodes go; file systems
 * without it refuse the call, which is ignored. With the native addon it is two ioctls, made once
 * per process (a copied store, `cp -a`, loses the flag and gets it back); without it, `chattr` runs
 * once per store and a marker file says it was tried.
 */

const MARKER = '.topdir-v1';
const done = new Set<string>();

export interface SpreadOptions {
  /** Run this chattr program rather than the addon (tests). */
  readonly chattr?: string;
}

/** Marks `snapshots/active` and `snapshots/layers` of the store at `root` (made when missing) as top directories, once. */
export function spreadSnapshotDirs(root: string, options: SpreadOptions = {}): void {
  if (done.has(root)) return;
  done.add(root);
  const dirs = [activeDir(root), layersDir(root)];
  const sys = options.chattr === undefined ? nativeSys() : undefined;
  if (sys !== undefined) {
    for (const dir of dirs) {
      mkdirSync(dir, { recursive: true });
      sys.markTopDir(dir);
    }
    return;
  }
  const marker = join(snapshotsDir(root), MARKER);
  if (existsSync(marker)) return;
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  // e2fsprogs' chattr (on every Debian system); a failure (not ext2/3/4, no chattr) leaves the default placement
  spawnSync(options.chattr ?? 'chattr', ['+T', ...dirs], { stdio: 'ignore' });
  writeFileSync(marker, '');
}
