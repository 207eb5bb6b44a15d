/**
 * Resolving a path as the container would see it, inside a rootfs on the host: symlinks are
 * followed, but an absolute target starts again at the rootfs and `..` stops at it, so the result
 * never leaves the rootfs (the rule of containerd's continuity fs.RootPath).
 */
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';

const MAX_SYMLINK_HOPS = 255;

function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * The host path of `path` (container view, absolute or relative to `/`) inside `root`. Components
 * that do not exist are appended as they are; with `followFinal: false` a final symlink is kept.
 */
export async function resolveInRoot(root: string, path: string, options: { followFinal?: boolean } = {}): Promise<string> {
  const pending = components(path);
  const resolved: string[] = [];
  let hops = 0;
  for (let part = pending.shift(); part !== undefined; part = pending.shift()) {
    if (part === '..') {
      resolved.pop();
      continue;
    }
    if (pending.length === 0 && options.followFinal === false) {
      resolved.push(part);
      break;
    }
    const candidate = join(root, ...resolved, part);
    let isLink: boolean;
    try {
      isLink = (await lstat(candidate)).isSymbolicLink();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      isLink = false;
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    hops += 1;
    if (hops > MAX_SYMLINK_HOPS) {
      throw Object.assign(new Error(`too many levels of symbolic links resolving ${path} in ${root}`), { code: 'ELOOP' });
    }
    const target = await readlink(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...components(target));
  }
  return join(root, ...resolved);
}
