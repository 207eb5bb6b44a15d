import { rm } from 'node:fs/promises';
import { nativeSys } from './sys.js';

/**
 * rm -rf `path`: one job on libuv's thread pool with the addon, which never follows a symlink and
 * refuses (EXDEV) to enter a directory on another device, so a mount left inside is not emptied;
 * fs.promises.rm without it. A missing path is no error.
 */
export function removeTree(path: string): Promise<void> {
  const sys = nativeSys();
  return sys !== undefined ? sys.removeTree(path) : rm(path, { recursive: true, force: true });
}
