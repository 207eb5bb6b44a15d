import { createHash } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BuildError, isBuildError } from '../errors/index.js';
import { digestAlgorithm, digestHex, toDigest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import { isErrno, randomSuffix, storeWriteError, syncDirectory, unlinkQuietly } from './fs-util.js';
import { DurableFileWriter } from './durable-file-writer.js';
import { currentOwner, isOwnerAlive } from './owner.js';
import type { WriteBlobOptions } from './types.js';

/*
 * Blobs live at `blobs/<algorithm>/<hex>`. A blob is written through the ingest area:
 *
 *   1. stream the bytes into `ingest/OWNER.RANDOM` (a new file, O_EXCL), hashing and counting them
 *      on the way (never holding more than a chunk in memory);
 *   2. fsync the file and close it (its writeback started while it is written: DurableFileWriter);
 *   3. compare digest and size with what the caller expected; on a mismatch delete the temp file;
 *   4. rename the temp file to `blobs/<algorithm>/<hex>` and fsync that directory.
 *
 * rename() is atomic, so a blob path holds either nothing or the complete, verified bytes; a crash
 * before step 4 leaves only an ingest file, whose name carries its owner so that a later open or
 * prune can tell it from a live writer's and remove it. Two writers of the same digest both
 * succeed: each renames identical bytes over the path and a reader sees one whole copy or the
 * other. `ingest/` is inside the root so the rename never crosses a filesystem.
 */

const DIGEST_DIRS = ['sha256', 'sha512'] as const;

class HashingCounter extends Transform {
  readonly hash;
  bytes = 0;
  constructor(algorithm: 'sha256' | 'sha512', private readonly limit: number | undefined) {
    super();
    this.hash = createHash(algorithm);
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.limit !== undefined && this.bytes > this.limit) {
      callback(new SizeExceeded(this.limit));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

class SizeExceeded extends Error {
  constructor(readonly limit: number) {
    super(`more than the expected ${limit} bytes`);
  }
}

function sizeMismatch(expected: Digest | undefined, want: number, got: string): BuildError<'DIGEST_MISMATCH'> {
  const what = expected !== undefined ? `blob ${expected}` : 'blob';
  return new BuildError('DIGEST_MISMATCH', `${what} has ${got} bytes, expected ${want}; nothing was stored`, {
    details: { ...(expected !== undefined ? { expected } : {}), expectedSize: want },
  });
}

export class BlobStore {
  readonly dir: string;
  readonly ingestDir: string;

  constructor(root: string) {
    this.dir = join(root, 'blobs');
    this.ingestDir = join(root, 'ingest');
  }

  async init(): Promise<void> {
    for (const algorithm of DIGEST_DIRS) await mkdir(join(this.dir, algorithm), { recursive: true });
    await mkdir(this.ingestDir, { recursive: true });
  }

  path(digest: Digest): string {
    return join(this.dir, digestAlgorithm(digest), digestHex(digest));
  }

  async size(digest: Digest): Promise<number | undefined> {
    try {
      const info = await stat(this.path(digest));
      return info.isFile() ? info.size : undefined;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.size(digest)) !== undefined;
  }

  private notFound(digest: Digest, cause: unknown): BuildError<'BLOB_NOT_FOUND'> {
    return new BuildError('BLOB_NOT_FOUND', `blob ${digest} is not in the store`, {
      details: { digest, path: this.path(digest) },
      hint: 'the image may have been pruned or repaired; pull or build it again',
      cause,
    });
  }

  async open(digest: Digest): Promise<Readable> {
    try {
      // Opening the descriptor first: a prune that deletes the file afterwards cannot cut us short.
      const handle = await open(this.path(digest), 'r');
      return handle.createReadStream();
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw this.notFound(digest, err);
      throw err;
    }
  }

  async read(digest: Digest): Promise<Uint8Array> {
    try {
      return await readFile(this.path(digest));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw this.notFound(digest, err);
      throw err;
    }
  }

  /** Every blob digest present (names that are not digests are ignored). */
  async list(): Promise<Digest[]> {
    const out: Digest[] = [];
    for (const algorithm of DIGEST_DIRS) {
      let names: string[];
      try {
        names = await readdir(join(this.dir, algorithm));
      } catch (err) {
        if (isErrno(err, 'ENOENT')) continue;
        throw err;
      }
      for (const name of names) {
        const candidate = `${algorithm}:${name}`;
        try {
          out.push(toDigest(candidate));
        } catch {
          // not a blob (a stray file): leave it alone
        }
      }
    }
    return out;
  }

  async remove(digest: Digest): Promise<boolean> {
    return unlinkQuietly(this.path(digest));
  }

  /** Streams `source` into the store, verified, and makes it visible under its digest. */
  async write(
    source: Readable | Uint8Array,
    options: WriteBlobOptions & { beforeCommit?: (digest: Digest) => Promise<void> } = {},
  ): Promise<{ digest: Digest; size: number }> {
    const { expected, expectedSize, signal, beforeCommit } = options;
    if (expected !== undefined) {
      const existing = await this.size(expected);
      if (existing !== undefined && (expectedSize === undefined || existing === expectedSize)) {
        if (source instanceof Readable) source.destroy();
        return { digest: expected, size: existing };
      }
    }
    const algorithm = expected !== undefined ? digestAlgorithm(expected) : 'sha256';
    const temp = join(this.ingestDir, `${currentOwner()}.${randomSuffix()}`);
    const input = source instanceof Readable ? source : Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)]);
    const counter = new HashingCounter(algorithm, expectedSize);
    const output = new DurableFileWriter(temp);
    let outputError: unknown;
    output.on('error', (err) => {
      outputError ??= err;
    });
    let digest: Digest;
    try {
      try {
        await pipeline(input, counter, output, ...(signal !== undefined ? [{ signal }] : []));
      } catch (err) {
        if (err instanceof SizeExceeded) throw sizeMismatch(expected, err.limit, `more than ${err.limit}`);
        if (outputError !== undefined) throw this.writeFailed(expected, temp, outputError);
        throw err;
      }
      digest = toDigest(`${algorithm}:${counter.hash.digest('hex')}`);
      if (expectedSize !== undefined && counter.bytes !== expectedSize) {
        throw sizeMismatch(expected, expectedSize, String(counter.bytes));
      }
      if (expected !== undefined && digest !== expected) {
        throw new BuildError('DIGEST_MISMATCH', `content does not match its digest: expected ${expected}, got ${digest}; nothing was stored`, {
          details: { expected, actual: digest, size: counter.bytes },
        });
      }
      if (beforeCommit !== undefined) await beforeCommit(digest);
      const target = this.path(digest);
      try {
        await rename(temp, target);
        await syncDirectory(join(this.dir, algorithm));
      } catch (err) {
        throw this.writeFailed(digest, temp, err);
      }
    } catch (err) {
      await unlinkQuietly(temp).catch(() => false);
      throw err;
    }
    return { digest, size: counter.bytes };
  }

  private writeFailed(digest: Digest | undefined, temp: string, cause: unknown): BuildError<'STORE_WRITE_FAILED'> {
    const path = digest !== undefined ? this.path(digest) : temp;
    const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
    const generic = storeWriteError(path, cause);
    const reason = isBuildError(generic) ? generic.message.slice(generic.message.lastIndexOf(': ') + 2) : (cause as Error).message;
    return new BuildError('STORE_WRITE_FAILED', `could not write blob ${digest ?? '(digest not known yet)'} to ${path}: ${reason}`, {
      details: { ...(digest !== undefined ? { digest } : {}), path, temp, errno: code },
      hint: code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space (stagecraft prune removes unused blobs) and try again' : 'check the disk holding the store',
      cause,
    });
  }

  /** Removes ingest files left by writers that are no longer running; returns how many. */
  async cleanIngest(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.ingestDir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return 0;
      throw err;
    }
    let removed = 0;
    for (const name of names) {
      const owner = name.split('.')[0] ?? '';
      if (!(await isOwnerAlive(owner)) && (await unlinkQuietly(join(this.ingestDir, name)))) removed++;
    }
    return removed;
  }
}
