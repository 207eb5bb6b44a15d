import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';

/*
 * Hashing many files is CPU work on one thread: sha256 runs at about 1.5 GB/s, and reading the
 * cached pages costs as much again. A COPY --from of a large tree waits for that digest (its cache
 * key) with nothing else to do, so the files are shared between this thread and helper threads,
 * one per further core. Helpers start on the first large job and stay (unreferenced, so they never
 * keep the process alive) for the next.
 */

const SMALL_FILE_BYTES = 1 << 20;

/**
 * The sha256 of a file: read with one direct call when `size` says it is small (its pages are
 * usually cached; a thread-pool round trip per file costs more than the read), else streamed in
 * 1 MiB chunks (never more than that in memory).
 */
export async function sha256File(path: string, options: { readonly size?: number; readonly signal?: AbortSignal } = {}): Promise<string> {
  const hash = createHash('sha256');
  if (options.size !== undefined && options.size <= SMALL_FILE_BYTES) {
    options.signal?.throwIfAborted();
    hash.update(readFileSync(path));
  } else {
    const stream = createReadStream(path, { highWaterMark: SMALL_FILE_BYTES });
    await pipeline(stream, hash, options.signal !== undefined ? { signal: options.signal } : {});
  }
  return hash.digest('hex');
}

export interface FileToHash {
  readonly path: string;
  readonly size: number;
}

/** Below this many bytes in all, the files are hashed on this thread: a helper's start costs more. */
const POOL_MIN_BYTES = 32 << 20;
/** What one turn takes from the queue: enough to outweigh a message, small enough to share evenly. */
const BATCH_BYTES = 8 << 20;
const BATCH_FILES = 256;

const HELPER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buffer = Buffer.allocUnsafe(1 << 20);
function hashOne(path) {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
parentPort.on('message', ({ id, paths }) => {
  try {
    parentPort.postMessage({ id, digests: paths.map(hashOne) });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err.message, code: err.code, syscall: err.syscall, path: err.path } });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly digests?: string[];
  readonly error?: { readonly message: string; readonly code?: string; readonly syscall?: string; readonly path?: string };
}

/** A helper thread that hashes lists of files, one list at a time. */
class Helper {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(digests: string[]): void; reject(err: Error): void }>();
  private nextId = 0;
  private broken: Error | undefined;

  constructor() {
    this.worker = new Worker(HELPER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (waiter === undefined) return;
      if (reply.digests !== undefined) waiter.resolve(reply.digests);
      else waiter.reject(Object.assign(new Error(reply.error?.message ?? 'hashing failed'), reply.error ?? {}));
    });
    const fail = (err: Error): void => {
      this.broken = err;
      for (const waiter of this.waiting.values()) waiter.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      fail(new Error(`the hashing thread exited (code ${String(code)})`));
    });
  }

  hash(paths: readonly string[]): Promise<string[]> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const id = this.nextId++;
    this.worker.ref();
    this.worker.postMessage({ id, paths });
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
    });
  }

  get usable(): boolean {
    return this.broken === undefined;
  }
}

let helpers: Helper[] | undefined;

function helperThreads(): Helper[] {
  helpers ??= Array.from({ length: Math.min(3, availableParallelism() - 1) }, () => new Helper());
  return helpers.filter((helper) => helper.usable);
}

/** How many helper threads have been started in this process (for tests). */
export function hashHelpersStarted(): number {
  return helpers?.length ?? 0;
}

/** Takes the next batch of files from a shared queue. */
class Queue {
  private next = 0;
  constructor(private readonly files: readonly FileToHash[]) {}

  /** After a failure: the others take nothing more. */
  stop(): void {
    this.next = this.files.length;
  }

  take(): number[] {
    const batch: number[] = [];
    let bytes = 0;
    while (this.next < this.files.length && bytes < BATCH_BYTES && batch.length < BATCH_FILES) {
      bytes += this.files[this.next]?.size ?? 0;
      batch.push(this.next++);
    }
    return batch;
  }
}

/**
 * The sha256 (hex) of each file, in order. Large jobs are shared with helper threads; an error
 * (a file that cannot be read) rejects with the fs error's message, code and path.
 */
export async function hashFiles(files: readonly FileToHash[], options: { readonly signal?: AbortSignal } = {}): Promise<string[]> {
  const { signal } = options;
  const digests = new Array<string>(files.length).fill('');
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const pool = total >= POOL_MIN_BYTES && availableParallelism() > 1 ? helperThreads() : [];
  const queue = new Queue(files);
  const hashHere = async (batch: readonly number[]): Promise<void> => {
    for (const i of batch) {
      const file = files[i];
      if (file !== undefined) digests[i] = await sha256File(file.path, { size: file.size, ...(signal !== undefined ? { signal } : {}) });
    }
  };
  const here = async (): Promise<void> => {
    for (let batch = queue.take(); batch.length > 0; batch = queue.take()) {
      await hashHere(batch);
      // let the helpers' replies in, so they get their next batch without waiting for this thread
      if (pool.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const there = async (helper: Helper): Promise<void> => {
    for (let batch = queue.take(); batch.length > 0; batch = queue.take()) {
      signal?.throwIfAborted();
      let got: string[];
      try {
        got = await helper.hash(batch.map((i) => files[i]?.path ?? ''));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== undefined) throw err; // the file's error
        // the thread itself failed: its batch is hashed here, and it takes no more
        await hashHere(batch);
        return;
      }
      batch.forEach((i, k) => (digests[i] = got[k] ?? ''));
    }
  };
  const stopOnError = (work: Promise<void>): Promise<void> =>
    work.catch((err: unknown) => {
      queue.stop();
      throw err;
    });
  await Promise.all([stopOnError(here()), ...pool.map((helper) => stopOnError(there(helper)))]);
  return digests;
}
