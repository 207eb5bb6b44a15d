import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toDigest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';

/**
 * A pass-through stream that hashes (sha256) and counts what flows through it. Read `digest()` and
 * `size` only after the stream has finished.
 */
export class DigestingStream extends Transform {
  #hash: Hash = createHash('sha256');
  #size = 0;
  #digest: Digest | undefined;

  get size(): number {
    return this.#size;
  }

  /** The sha256 digest of everything that passed; only valid once the stream has ended. */
  digest(): Digest {
    this.#digest ??= toDigest('sha256:' + this.#hash.digest('hex'));
    return this.#digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
    callback(null, chunk);
  }
}

/** A writable that throws away what it gets (the end of a pipeline that only measures). */
export function discard(): Writable {
  return new Writable({
    write(_chunk: unknown, _encoding, callback): void {
      callback();
    },
  });
}

/** The digest and size of everything a stream yields, computed without keeping the bytes. */
export async function digestOf(stream: Readable, options: { signal?: AbortSignal } = {}): Promise<{ digest: Digest; size: number }> {
  const hasher = new DigestingStream();
  await pipeline(stream, hasher, discard(), options.signal ? { signal: options.signal } : {});
  return { digest: hasher.digest(), size: hasher.size };
}

/**
 * Reads the first `count` bytes of a stream (fewer if it is shorter) and gives back a stream that
 * still yields everything, those bytes included: for sniffing compression magic numbers.
 */
export async function peekStream(stream: Readable, count: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let finished = false;
  while (length < count) {
    const next = await iterator.next();
    if (next.done === true) {
      finished = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    length += chunk.length;
  }
  const headBytes = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    if (headBytes.length > 0) yield headBytes;
    if (finished) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  const replayed = Readable.from(replay(), { objectMode: false });
  replayed.once('close', () => {
    if (!stream.destroyed) stream.destroy();
  });
  return { head: headBytes.subarray(0, count), stream: replayed };
}

/** Reads a whole (small) stream into memory, refusing more than `limit` bytes. */
export async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    length += buf.length;
    if (length > limit) {
      stream.destroy();
      throw new RangeError(`more than ${limit} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Memoises an async computation: the first call starts it, later calls share its result. */
export function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= compute();
    return promise;
  };
}
