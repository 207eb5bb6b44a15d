/**
 * Mount stubs: to bind a file or directory over a path the rootfs lacks, the runtime first creates
 * an empty file or directory there, which would then end up in the step's layer. As BuildKit does,
 * the paths missing before the run are noted and, afterwards, those still empty are removed again
 * (with the parent directory's timestamps put back, for reproducible layers).
 */
import { lstat, readdir, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { resolveInRoot } from './root-path.js';

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Notes which of `destinations` (container paths), and which of their parent directories, do not
 * exist in `rootfs` yet. Returns container paths, deepest first.
 */
export async function findMissingStubs(rootfs: string, destinations: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const destination of destinations) {
    let path = posix.resolve('/', destination);
    while (path !== '/') {
      try {
        await lstat(await resolveInRoot(rootfs, path));
        break;
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
      if (!missing.includes(path)) missing.push(path);
      path = posix.dirname(path);
    }
  }
  return missing;
}

/** Removes the stubs left at `paths` (from findMissingStubs) when they are empty; best effort. */
export async function removeMountStubs(rootfs: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    try {
      const hostPath = await resolveInRoot(rootfs, path);
      const info = await lstat(hostPath);
      if (info.isDirectory() ? (await readdir(hostPath)).length > 0 : info.size !== 0) continue;
      const parent = dirname(hostPath);
      // Only when the parent is exactly where it should be (no symlink was swapped in meanwhile).
      if ((await resolveInRoot(rootfs, posix.dirname(path))) !== parent) continue;
      const times = await stat(parent);
      await (info.isDirectory() ? rmdir(hostPath) : unlink(hostPath));
      await utimes(parent, times.atimeMs / 1000, times.mtimeMs / 1000);
    } catch {
      // A stub that cannot be removed stays; it is an empty file or directory.
    }
  }
}
