import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskUsage {
  /** Bytes the tree takes on disk (allocated blocks; a hard-linked file counted once). */
  readonly bytes: number;
  /** Entries in the tree, the root included. */
  readonly entries: number;
}

/**
 * What a file or directory tree takes on disk, as `du -s` counts it: allocated blocks of every
 * entry, each inode once. Symlinks are not followed. A missing path takes nothing; entries that
 * vanish while the tree is walked are skipped.
 */
export async function diskUsage(path: string, options: { signal?: AbortSignal } = {}): Promise<DiskUsage> {
  const seen = new Set<string>();
  let bytes = 0;
  let entries = 0;
  const pending = [path];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    options.signal?.throwIfAborted();
    let info;
    try {
      info = await lstat(current, { bigint: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    entries++;
    const inode = `${String(info.dev)}:${String(info.ino)}`;
    if (!seen.has(inode)) {
      seen.add(inode);
      bytes += Number(info.blocks) * 512;
    }
    if (!info.isDirectory()) continue;
    try {
      for (const name of await readdir(current)) pending.push(join(current, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return { bytes, entries };
}
