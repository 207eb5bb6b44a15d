/**
 * A tiny root file system for runtime tests, made in milliseconds from the host's own programs:
 * a few binaries and the shared libraries `ldd` lists for them, the host's /bin and /lib layout
 * (symlinks on a merged-/usr system), and small /etc/passwd and /etc/group files.
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, lstat, mkdir, readlink, realpath, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The programs the tests use. */
export const TINY_ROOTFS_PROGRAMS = ['sh', 'cat', 'echo', 'id', 'ls', 'env', 'sleep', 'touch', 'mkdir'] as const;

export const TINY_PASSWD = 'root:x:0:0:root:/root:/bin/sh\ntester:x:1234:1234:Tester:/home/tester:/bin/sh\n';
export const TINY_GROUP = 'root:x:0:\ntesters:x:1234:\nextra:x:2345:tester\n';

export interface TinyRootfsOptions {
  readonly passwd?: string;
  readonly group?: string;
}

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

async function findProgram(name: string): Promise<string> {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    try {
      await lstat(join(dir, name));
      return join(dir, name);
    } catch {
      // next
    }
  }
  throw new Error(`tiny rootfs: the host has no ${name}`);
}

/** Copies `hostPath` (following symlinks) to the same real location under `rootfs`. */
async function copyInto(rootfs: string, hostPath: string): Promise<string> {
  const real = join(await realpath(dirname(hostPath)), basename(hostPath));
  const target = join(rootfs, real);
  await mkdir(dirname(target), { recursive: true });
  await copyFile(hostPath, target);
  return real;
}

/** Builds the rootfs in `dir` (created when missing) and returns `dir`. */
export async function createTinyRootfs(dir: string, options: TinyRootfsOptions = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  // Top-level directories that are symlinks on the host (merged /usr) are symlinks here too.
  for (const top of ['bin', 'sbin', 'lib', 'lib64', 'lib32', 'libx32']) {
    const hostTop = `/${top}`;
    if (await isSymlink(hostTop)) await symlink(await readlink(hostTop), join(dir, top));
  }
  for (const sub of ['usr/bin', 'etc', 'proc', 'dev', 'sys', 'root', 'home/tester', 'usr/local/bin']) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await chmod(join(dir, 'tmp'), 0o1777);

  const binaries: string[] = [];
  for (const name of TINY_ROOTFS_PROGRAMS) {
    const hostPath = await findProgram(name);
    const realBinary = await realpath(hostPath);
    const copied = await copyInto(dir, realBinary);
    binaries.push(realBinary);
    const linkPath = join(await realpath(dirname(hostPath)), name);
    if (basename(copied) !== name) await symlink(basename(copied), join(dir, linkPath)).catch(() => undefined);
  }
  const { stdout } = await run('ldd', binaries);
  const libraries = new Set<string>();
  for (const match of stdout.matchAll(/(?:=>\s*)?(\/[^\s]+)\s+\(0x/g)) {
    if (match[1] !== undefined) libraries.add(match[1]);
  }
  for (const library of libraries) await copyInto(dir, library);

  await writeFile(join(dir, 'etc', 'passwd'), options.passwd ?? TINY_PASSWD);
  await writeFile(join(dir, 'etc', 'group'), options.group ?? TINY_GROUP);
  return dir;
}
