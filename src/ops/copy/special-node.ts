import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Linux's major/minor split of a device number (glibc's gnu_dev_major/minor). */
export function deviceNumbers(rdev: number): { readonly major: number; readonly minor: number } {
  const dev = BigInt(rdev);
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return { major, minor };
}

/**
 * Makes a fifo or device node with the `mknod` program (Node has no mknod); device nodes need
 * root (CAP_MKNOD), as they do for BuildKit. The permission bits are set by the caller.
 */
export async function makeSpecialNode(path: string, type: 'fifo' | 'char-device' | 'block-device', rdev: number): Promise<void> {
  if (type === 'fifo') {
    await run('mknod', ['-m', '0600', path, 'p']);
    return;
  }
  const { major, minor } = deviceNumbers(rdev);
  await run('mknod', ['-m', '0600', path, type === 'char-device' ? 'c' : 'b', String(major), String(minor)]);
}
