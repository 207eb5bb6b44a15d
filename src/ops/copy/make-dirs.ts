import { chmod, lchown, lstat, lutimes, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { copyFailed, errnoCode, insideRoot } from './copy-errors.js';
import type { Owner } from './chown.js';

export interface MakeDirsOptions {
  /** The rootfs the path lies in (for messages). */
  readonly root: string;
  /** Permission bits of the directories created (0755 unless `--chmod` gives an octal mode). */
  readonly mode: number;
  /** Owner of the directories created (the `--chown` user); the process's own when undefined. */
  readonly owner: Owner | undefined;
  /** Whether ownership can be set at all (only root may give files away). */
  readonly applyOwners: boolean;
  readonly timestamp: Date | undefined;
}

/**
 * fsutil's MkdirAll on a path already resolved inside the rootfs (no symlinks left on it): the
 * missing directories are made one by one with `mode`, owned by `owner`; an existing component
 * that is not a directory is an error. Returns the directories created, outermost first.
 */
export async function makeDirs(hostPath: string, options: MakeDirsOptions): Promise<string[]> {
  const missing: string[] = [];
  let path = hostPath;
  for (;;) {
    let isDir: boolean;
    try {
      isDir = (await lstat(path)).isDirectory();
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw copyFailed(`mkdir ${insideRoot(options.root, path)}: ${(error as Error).message}`, error);
      missing.unshift(path);
      const parent = dirname(path);
      if (parent === path) break;
      path = parent;
      continue;
    }
    if (!isDir) throw copyFailed(`mkdir ${insideRoot(options.root, hostPath)}: not a directory`, undefined, { path: insideRoot(options.root, path) });
    break;
  }
  for (const dir of missing) {
    try {
      await mkdir(dir, options.mode & 0o777);
    } catch (error) {
      if (errnoCode(error) === 'EEXIST' && (await lstat(dir)).isDirectory()) continue;
      throw copyFailed(`mkdir ${insideRoot(options.root, dir)}: ${(error as Error).message}`, error);
    }
    await chmod(dir, options.mode & 0o777);
    if (options.owner !== undefined && options.applyOwners) await lchown(dir, options.owner.uid, options.owner.gid);
    if (options.timestamp !== undefined) await lutimes(dir, options.timestamp, options.timestamp);
  }
  return missing;
}
