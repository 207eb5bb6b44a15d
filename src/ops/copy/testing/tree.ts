/** Test helpers: build a directory tree from a compact spec, and describe one as sorted lines. */
import { chmod, link, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type TreeSpec = Record<
  string,
  | string
  | { readonly file: string; readonly mode?: number; readonly mtime?: number }
  | { readonly dir: true; readonly mode?: number; readonly mtime?: number }
  | { readonly symlink: string }
  | { readonly hardlink: string }
>;

/** Creates `spec` under `root` (paths relative; parents made as needed; entries in key order). */
export async function writeTree(root: string, spec: TreeSpec): Promise<void> {
  const times: [string, number][] = [];
  for (const [rel, item] of Object.entries(spec)) {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    if (typeof item === 'string') {
      await writeFile(path, item);
    } else if ('file' in item) {
      await writeFile(path, item.file);
      if (item.mode !== undefined) await chmod(path, item.mode);
      if (item.mtime !== undefined) times.push([path, item.mtime]);
    } else if ('dir' in item) {
      await mkdir(path, { recursive: true });
      if (item.mode !== undefined) await chmod(path, item.mode);
      if (item.mtime !== undefined) times.push([path, item.mtime]);
    } else if ('symlink' in item) {
      await symlink(item.symlink, path);
    } else {
      await link(join(root, item.hardlink), path);
    }
  }
  for (const [path, mtime] of times.reverse()) await utimes(path, mtime, mtime);
}

/**
 * One line per path under `root`: `path type mode uid:gid detail`, where detail is the content of
 * a file (or `@ino-group` for hardlinked files), the target of a symlink, nothing for directories.
 */
export async function describeTree(root: string, options: { readonly owners?: boolean; readonly times?: boolean } = {}): Promise<string[]> {
  const lines: string[] = [];
  const inodes = new Map<number, string>();
  const visit = async (rel: string): Promise<void> => {
    const names = (await readdir(join(root, rel))).sort();
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const full = join(root, path);
      const stats = await lstat(full);
      const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
      const owner = options.owners === true ? ` ${String(stats.uid)}:${String(stats.gid)}` : '';
      const time = options.times === true && !stats.isDirectory() ? ` t=${String(Math.floor(stats.mtimeMs / 1000))}` : '';
      if (stats.isDirectory()) {
        lines.push(`${path}/ ${mode}${owner}${time}`);
        await visit(path);
      } else if (stats.isSymbolicLink()) {
        lines.push(`${path} -> ${await readlink(full)}${owner}${time}`);
      } else if (stats.isFile()) {
        let link = '';
        if (stats.nlink > 1) {
          const first = inodes.get(stats.ino);
          if (first === undefined) inodes.set(stats.ino, path);
          else link = ` =${first}`;
        }
        lines.push(`${path} ${mode}${owner}${time} ${JSON.stringify(await readFile(full, 'utf8'))}${link}`);
      } else {
        lines.push(`${path} special ${mode}${owner}`);
      }
    }
  };
  await visit('');
  return lines;
}

/** A fresh temporary directory and a function removing it. */
export async function tempDir(prefix = 'stagecraft-copy-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
