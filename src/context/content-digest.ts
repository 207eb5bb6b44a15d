import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BuildError } from '../errors/index.js';
import type { ContextEntry } from './context-entry.js';
import type { FileStatKey } from './stat-cache.js';
import { StatCache } from './stat-cache.js';

export interface ContextDigesterOptions {
  /** Where the stat cache is kept between builds (a JSON file); in memory only when absent. */
  readonly cacheFile?: string;
  /** Files read at once (default 8). */
  readonly concurrency?: number;
  /** How recent a change makes a digest untrustworthy (default 50 ms; see StatCache). */
  readonly racyWindowMs?: number;
}

/** What a digester did, for progress and for tests. */
export interface DigestCounters {
  /** Files whose content was read and hashed. */
  readonly filesRead: number;
  /** Files whose digest came from the stat cache. */
  readonly filesReused: number;
  readonly bytesRead: number;
}

/** Files up to this size are read in one call; larger ones are streamed in chunks of STREAM_CHUNK_BYTES. */
const SMALL_FILE_BYTES = 1 << 20;
const STREAM_CHUNK_BYTES = 1 << 20;

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/**
 * Content digests (sha256, hex) of the files of one build context, read as streams with a bounded
 * number at once, and remembered by stat information: a file whose size, mtime, ctime, inode and
 * mode are unchanged since the last build is not read again. The same file asked for twice at the
 * same time is read once. Call `save()` when the build is done to keep the cache.
 */
export class ContextDigester {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private read = 0;
  private reused = 0;
  private bytes = 0;

  private constructor(
    readonly root: string,
    private readonly cache: StatCache,
    private readonly concurrency: number,
  ) {}

  static async open(root: string, options: ContextDigesterOptions = {}): Promise<ContextDigester> {
    const absolute = resolve(root);
    const window = options.racyWindowMs;
    const cache = options.cacheFile !== undefined ? await StatCache.load(options.cacheFile, absolute, window) : StatCache.inMemory(absolute, window);
    return new ContextDigester(absolute, cache, Math.max(1, options.concurrency ?? 8));
  }

  get counters(): DigestCounters {
    return { filesRead: this.read, filesReused: this.reused, bytesRead: this.bytes };
  }

  /**
   * The sha256 of the regular file `path` (relative to the root), given the stat information it
   * was listed with. The file is opened without following a final symlink, and its size and
   * inode are checked against `stat` after the read: a file that changed while it was listed is
   * CONTEXT_UNREADABLE rather than a wrong digest.
   */
  async hashFile(path: string, stat: FileStatKey, options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    const cached = this.cachedHash(path, stat);
    if (cached !== undefined) return cached;
    const key = `${path}\0${stat.ino.toString()}\0${stat.mtimeNs.toString()}\0${String(stat.size)}`;
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.limited(() => this.readAndHash(path, stat, options.signal));
      this.inFlight.set(key, pending);
      void pending.then(
        () => this.inFlight.delete(key),
        () => this.inFlight.delete(key),
      );
    }
    return pending;
  }

  /**
   * The digest the stat cache holds for `path` when its stat still matches (and is not racy), with
   * no I/O and no promise: a rebuild of an unchanged context answers every file this way.
   */
  cachedHash(path: string, stat: FileStatKey): string | undefined {
    const cached = this.cache.lookup(path, stat);
    if (cached !== undefined) this.reused++;
    return cached;
  }

  /** Digests of every regular file of a context listing (listContextFiles), by path. */
  async hashEntries(entries: readonly ContextEntry[], options: { readonly signal?: AbortSignal } = {}): Promise<Map<string, string>> {
    const files = entries.filter((entry) => entry.type === 'file');
    const digests = await Promise.all(files.map((entry) => this.hashFile(entry.path, entry, options)));
    return new Map(files.map((entry, k) => [entry.path, digests[k] as string]));
  }

  /** Forgets cached files that are no longer in the context (pass every path the context holds). */
  prune(paths: Iterable<string>): void {
    this.cache.prune(new Set(paths));
  }

  async save(): Promise<void> {
    await this.cache.save();
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((go) => this.waiting.push(go));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private async readAndHash(path: string, stat: FileStatKey, signal: AbortSignal | undefined): Promise<string> {
    signal?.throwIfAborted();
    const started = nowNs();
    const full = join(this.root, path);
    const small = stat.size <= SMALL_FILE_BYTES ? readSmallFile(path, full, stat) : undefined;
    const { digest, size } = small ?? (await streamAndHash(path, full, stat, signal));
    if (size !== stat.size) throw changed(path);
    this.read++;
    this.bytes += size;
    this.cache.record(path, stat, digest, started);
    return digest;
  }
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * A small file, read and hashed with direct calls: its pages are usually cached, and each call
 * takes microseconds where a thread-pool round trip costs far more (thousands of files per
 * context). undefined when the file turns out to be large now: it is streamed instead.
 */
function readSmallFile(path: string, full: string, stat: FileStatKey): { digest: string; size: number } | undefined {
  let fd: number;
  try {
    fd = openSync(full, OPEN_FLAGS);
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const opened = fstatSync(fd, { bigint: true });
    if (!opened.isFile() || opened.ino !== stat.ino) throw changed(path);
    if (opened.size > BigInt(SMALL_FILE_BYTES)) return undefined;
    const data = Buffer.allocUnsafe(Number(opened.size) + 1);
    let size = 0;
    for (let n = -1; n !== 0 && size < data.length; size += n) n = readSync(fd, data, size, data.length - size, size);
    return { digest: createHash('sha256').update(data.subarray(0, size)).digest('hex'), size };
  } catch (error) {
    if (error instanceof BuildError) throw error;
    throw unreadable(path, error);
  } finally {
    closeSync(fd);
  }
}

/** A large file, streamed in chunks through the hash. */
async function streamAndHash(path: string, full: string, stat: FileStatKey, signal: AbortSignal | undefined): Promise<{ digest: string; size: number }> {
  let handle;
  try {
    handle = await open(full, OPEN_FLAGS);
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const opened = await handle.stat({ bigint: true });
    if (!opened.isFile() || opened.ino !== stat.ino) throw changed(path);
  } catch (error) {
    await handle.close();
    if (error instanceof BuildError) throw error;
    throw unreadable(path, error);
  }
  const hash = createHash('sha256');
  let size = 0;
  try {
    // the stream owns the handle from here: it closes it when it ends or is destroyed
    const stream = handle.createReadStream({ highWaterMark: STREAM_CHUNK_BYTES });
    stream.on('data', (chunk) => {
      size += chunk.length;
    });
    await pipeline(stream, hash, signal !== undefined ? { signal } : {});
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw unreadable(path, error);
  }
  return { digest: hash.digest('hex'), size };
}

function unreadable(path: string, error: unknown): BuildError<'CONTEXT_UNREADABLE'> {
  const code = (error as { code?: unknown }).code;
  const shown = typeof code === 'string' ? code : 'EIO';
  return new BuildError('CONTEXT_UNREADABLE', `cannot read ${path} in the build context (${shown})`, {
    details: { path, code: shown },
    hint: 'fix its permissions, or exclude it with .dockerignore',
    cause: error,
  });
}

function changed(path: string): BuildError<'CONTEXT_UNREADABLE'> {
  return new BuildError('CONTEXT_UNREADABLE', `${path} changed while the build context was being read`, {
    details: { path },
    hint: 'run the build again once nothing writes to the context',
  });
}
