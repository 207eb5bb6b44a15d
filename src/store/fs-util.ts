import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { currentOwner } from './owner.js';

/** The prefix of every small temp file (`.tmp.OWNER.RANDOM.NAME`): owner-tagged for cleanup. */
export const TEMP_PREFIX = '.tmp.';

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

export function randomSuffix(): string {
  return randomBytes(8).toString('hex');
}

/** A temp name in the same directory as `path`, tagged with this process as its owner. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `${TEMP_PREFIX}${currentOwner()}.${randomSuffix()}.${basename(path)}`);
}

/** The owner id encoded in a temp file name made by tempPathFor, if it is one. */
export function tempOwner(name: string): string | undefined {
  if (!name.startsWith(TEMP_PREFIX)) return undefined;
  return name.slice(TEMP_PREFIX.length).split('.')[0];
}

/** fsync a directory so a rename or unlink in it survives a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `data` by a temp file beside it and a rename, with no fsync: a reader sees
 * the old content or the new, never a mix, while the machine runs; after a crash or power loss the
 * file may be missing, old, empty or torn. Only for files whose reader treats all of those as "not
 * there" (the build cache). A crash leaves at most an owner-tagged temp file that cleanup removes.
 * `publish` wraps the rename alone (a caller that must hold the store lock when the file appears
 * holds it for that, not for the write).
 */
export async function replaceFile(
  path: string,
  data: string,
  options: { readonly publish?: (rename: () => Promise<void>) => Promise<void> } = {},
): Promise<void> {
  const temp = tempPathFor(path);
  const move = (): Promise<void> => rename(temp, path);
  try {
    await writeFile(temp, data, { flag: 'wx' });
    await (options.publish !== undefined ? options.publish(move) : move());
  } catch (err) {
    await unlinkQuietly(temp).catch(() => false);
    throw storeWriteError(path, err);
  }
}

/**
 * Replaces `path` with `data` atomically: write a temp file beside it, fsync it, rename it over
 * the target, fsync the directory. A reader sees the old content or the new, never a mix; a crash
 * leaves at most an owner-tagged temp file that cleanup removes.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlinkQuietly(temp).catch(() => false);
    throw storeWriteError(path, err);
  }
  await syncDirectory(dirname(path));
}

const STORAGE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/**
 * A storage failure (disk full, I/O error, read-only, no permission) as STORE_WRITE_FAILED naming
 * `path`; any other error unchanged.
 */
export function storeWriteError(path: string, err: unknown, what = 'write'): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = code !== undefined ? STORAGE_ERRORS[code] : undefined;
  if (reason === undefined) return err;
  return new BuildError('STORE_WRITE_FAILED', `could not ${what} ${path}: ${reason}`, {
    details: { path, errno: code },
    hint:
      code === 'ENOSPC' || code === 'EDQUOT'
        ? 'free some space (stagecraft prune removes unused blobs) and try again'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'use a store you can write to (--root DIR or STAGECRAFT_ROOT)'
          : 'check the disk holding the store',
    cause: err,
  });
}

/** Removes a file with a direct call; false if it was not there. */
export function unlinkSyncQuietly(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/** Removes a file; false if it was not there. */
export async function unlinkQuietly(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/** Reads and parses a JSON file; undefined if it does not exist. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
