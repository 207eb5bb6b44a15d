import { linkSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { BuildError } from '../errors/index.js';
import { isErrno, randomSuffix, sleep, storeWriteError, tempPathFor, unlinkQuietly, unlinkSyncQuietly } from './fs-util.js';
import { currentOwner, isOwnerAlive } from './owner.js';

/*
 * The store lock: one file, `ROOT/lock`, that exists while someone holds the lock.
 *
 * Node has no flock(), so the lock is built from two operations the kernel does atomically:
 * - Acquire: write our record (owner id, a random token, purpose, time) to a temp file, then
 *   link() it to `lock`. link fails with EEXIST when the lock is taken, so exactly one process wins,
 *   and because the content was complete before the link, nobody ever reads a half-written lock.
 * - Release: unlink `lock`, after checking that it still holds our token.
 * - Stale locks: a holder that died (kill -9, power loss) leaves the file behind. A waiter that reads
 *   a record whose owner process is gone (pid not running, or running with another start time: the
 *   pid was reused) breaks it. Breaking must not race with another breaker that already broke it and
 *   with a new holder that took the lock since: breakers first take `lock.break` (created with
 *   O_EXCL), re-read `lock`, and unlink it only if it still holds the very record they judged stale.
 *   Only breakers remove someone else's lock and they go one at a time, so the check-then-unlink
 *   cannot remove a live lock. A breaker that dies holding `lock.break` (a window of microseconds)
 *   is recovered by age: a `lock.break` older than BREAK_STALE_MS is removed.
 *
 * The lock is held briefly by metadata updates (tags, image records, leases) and for the whole of a
 * prune, so that a prune never deletes a blob that a writer has just claimed.
 *
 * Taking, checking and dropping the lock file use direct (synchronous) calls: each is a small
 * metadata operation, and a round trip through libuv's thread pool per call made one uncontended
 * lock cost about ten of them, on every cache record, lease and blob a build writes.
 *
 * A lock taken often (the store's, with `reuseRecordFile`) has its records written into one temp
 * file per process, made the first time and rewritten in place for each acquisition: link() gives
 * it the name `lock` and release takes that name away. Rewriting happens only between our own
 * acquisitions, when `lock` is not our file; a waiter that opened it just before we released reads
 * either record, both ours and alive. A new temp file per acquisition cost an inode allocation,
 * which took 0.1-0.5 ms in a store where builds had made and removed many files. The file is
 * removed when the process exits; one left by a killed process is removed as a dead owner's temp
 * file (Store.cleanStale).
 */

const BREAK_STALE_MS = 30_000;

/**
 * Waiters inside one process queue here first (per lock path), so they hand the lock over without
 * polling the file system; only waiters in different processes poll.
 */
const localQueues = new Map<string, Promise<unknown>>();

/** This process's record file per lock path (see above), removed at exit. */
const recordFiles = new Map<string, string>();
let removeRecordFilesAtExit = false;

/** Writes `text` into this process's record file for the lock at `lockPath`; returns the file's path. */
function writeRecordFile(lockPath: string, text: string): string {
  let file = recordFiles.get(lockPath);
  if (file === undefined) {
    file = tempPathFor(lockPath);
    recordFiles.set(lockPath, file);
    if (!removeRecordFilesAtExit) {
      removeRecordFilesAtExit = true;
      process.once('exit', () => {
        for (const path of recordFiles.values()) unlinkSyncQuietly(path);
      });
    }
  }
  writeFileSync(file, text);
  return file;
}
const UNREADABLE_STALE_MS = 60_000;

interface LockRecord {
  readonly owner: string;
  readonly token: string;
  readonly purpose: string;
  readonly since: string;
}

/** Waits for `previous` (never rejects), or rejects when `signal` aborts. */
function waitForTurn(previous: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  const settled = previous.then(
    () => undefined,
    () => undefined,
  );
  if (signal === undefined) return settled;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void settled.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.owner === 'string' && typeof value.token === 'string') {
      return { owner: value.owner, token: value.token, purpose: String(value.purpose), since: String(value.since) };
    }
  } catch {
    // fall through
  }
  return undefined;
}

export interface LockOptions {
  readonly signal?: AbortSignal | undefined;
  /** What the lock is for; shown to a waiter that times out. */
  readonly purpose?: string;
  readonly timeoutMs?: number | undefined;
}

export class StoreLock {
  readonly path: string;
  private readonly breakPath: string;
  private readonly defaultTimeoutMs: number;

  private readonly reuseRecordFile: boolean;

  /**
   * The lock of the directory `root` (its file is `root/lock`). `reuseRecordFile`: keep this
   * process's record file between acquisitions (see above) rather than making one each time; it
   * stays in `root` until the process exits.
   */
  constructor(root: string, defaultTimeoutMs: number, options: { readonly reuseRecordFile?: boolean } = {}) {
    this.path = join(root, 'lock');
    this.breakPath = join(root, 'lock.break');
    this.defaultTimeoutMs = defaultTimeoutMs;
    // not while the start-up snapshot is made: the record file and its exit hook would be in every run
    this.reuseRecordFile = options.reuseRecordFile === true && !startupSnapshot.isBuildingSnapshot();
  }

  /** Runs `fn` holding the lock. */
  async withLock<T>(fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    const release = await this.acquire(options);
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  /** Takes the lock, waiting (with backoff) while a live process holds it; returns the release. */
  async acquire(options: LockOptions = {}): Promise<() => Promise<void>> {
    const previous = localQueues.get(this.path) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const tail = previous.then(() => mine);
    localQueues.set(this.path, tail);
    const finish = (): void => {
      done();
      if (localQueues.get(this.path) === tail) localQueues.delete(this.path);
    };
    try {
      await waitForTurn(previous, options.signal);
      const releaseFile = await this.acquireFile(options);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        try {
          await releaseFile();
        } finally {
          finish();
        }
      };
    } catch (err) {
      finish();
      throw err;
    }
  }

  private async acquireFile(options: LockOptions): Promise<() => Promise<void>> {
    const record: LockRecord = {
      owner: currentOwner(),
      token: randomSuffix(),
      purpose: options.purpose ?? 'store update',
      since: new Date().toISOString(),
    };
    const text = JSON.stringify(record);
    const temp = this.reuseRecordFile ? undefined : tempPathFor(this.path);
    try {
      let file: string;
      try {
        if (temp === undefined) file = writeRecordFile(this.path, text);
        else writeFileSync((file = temp), text, { flag: 'wx' });
      } catch (err) {
        throw storeWriteError(this.path, err, 'take the store lock');
      }
      return await this.linkRecord(file, record.token, options);
    } finally {
      if (temp !== undefined) unlinkSyncQuietly(temp);
    }
  }

  /** Gives the record file at `temp` the name `lock`, waiting (with backoff) while a live process holds it. */
  private async linkRecord(temp: string, token: string, options: LockOptions): Promise<() => Promise<void>> {
    const deadline = Date.now() + (options.timeoutMs ?? this.defaultTimeoutMs);
    let delay = 1;
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        linkSync(temp, this.path);
        return () => this.release(token);
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw err;
      }
      const holder = this.readHolder();
      if (holder !== undefined && (await this.isStale(holder))) {
        await this.breakStale(holder.text);
        continue;
      }
      if (Date.now() > deadline) {
        const who = holder?.record;
        throw new BuildError('STORE_LOCKED', `the store at ${this.path} is locked${who ? ` by process ${who.owner.split('-')[0] ?? '?'} (${who.purpose}, since ${who.since})` : ''}`, {
          hint: 'another stagecraft process is using this store; wait for it, or remove the lock file if you are sure none runs',
          details: { path: this.path, ...(who ? { holder: who } : {}) },
        });
      }
      await sleep(delay + Math.random() * delay, options.signal);
      delay = Math.min(delay * 2, 50);
    }
  }

  private release(token: string): Promise<void> {
    return Promise.resolve().then(() => {
      const holder = this.readHolder();
      if (holder?.record?.token === token) unlinkSyncQuietly(this.path);
    });
  }

  private readHolder(): { text: string; record: LockRecord | undefined; mtimeMs: number } | undefined {
    try {
      const text = readFileSync(this.path, 'utf8');
      const info = statSync(this.path);
      return { text, record: parseRecord(text), mtimeMs: info.mtimeMs };
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  private async isStale(holder: { record: LockRecord | undefined; mtimeMs: number }): Promise<boolean> {
    if (holder.record === undefined) return Date.now() - holder.mtimeMs > UNREADABLE_STALE_MS;
    return !(await isOwnerAlive(holder.record.owner));
  }

  /** Removes the lock if it still holds `staleText`, serialised with other breakers. */
  private async breakStale(staleText: string): Promise<void> {
    try {
      const handle = await open(this.breakPath, 'wx');
      await handle.close();
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
      try {
        const info = await stat(this.breakPath);
        if (Date.now() - info.mtimeMs > BREAK_STALE_MS) await unlinkQuietly(this.breakPath);
      } catch (statErr) {
        if (!isErrno(statErr, 'ENOENT')) throw statErr;
      }
      await sleep(2);
      return;
    }
    try {
      const now = this.readHolder();
      if (now?.text === staleText) await unlink(this.path);
    } finally {
      await unlinkQuietly(this.breakPath);
    }
  }
}
