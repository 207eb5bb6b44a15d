/**
 * WORKDIR creation before a RUN, as BuildKit's runc executor does it: when the working directory
 * does not exist in the rootfs, it is created (with any missing parents) mode 0755 and owned by the
 * step's user; directories that already exist are left alone.
 */
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { resolveInRoot } from './root-path.js';

export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** Makes `cwd` (a container path) exist in `rootfs`; returns the directories it created (container paths). */
export async function ensureWorkdir(rootfs: string, cwd: string, owner: Owner): Promise<string[]> {
  try {
    await stat(await resolveInRoot(rootfs, cwd));
    return [];
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
  const parts = posix.resolve('/', cwd).split('/').filter((p) => p !== '');
  const created: string[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const path = `/${parts.slice(0, i).join('/')}`;
    const host = await resolveInRoot(rootfs, path);
    try {
      await mkdir(host, { mode: 0o755 });
    } catch (err) {
      if (errorCode(err) === 'EEXIST') continue;
      throw err;
    }
    await chmod(host, 0o755);
    await chown(host, owner.uid, owner.gid);
    created.push(path);
  }
  return created;
}
