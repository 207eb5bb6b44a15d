import { closeSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { encodeTarHeader, endOfArchive, padding } from './tar-header.js';
import type { TarHeader } from './tar-header.js';

/** One archive entry: its header and, for a regular file, where its content comes from. */
export interface TarEntry {
  readonly header: TarHeader;
  /**
   * A host file holding the content of a `file` entry, read synchronously straight into the
   * output batches (the fast path for directories on a local disk: no stream per file).
   */
  readonly path?: string;
  /** Opens the content of a `file` entry (when there is no `path`); it must yield exactly `header.size` bytes. */
  readonly open?: () => Readable;
}

export interface WriteTarOptions {
  /** The size of the buffers yielded (the last one may be smaller). Default 1 MiB. */
  readonly chunkSize?: number;
}

const DEFAULT_CHUNK = 1024 * 1024;

/**
 * Collects the archive into buffers of `size` bytes: headers, padding and small files are copied
 * in, so the consumer (a hash, a file) sees a few large writes instead of three per entry.
 */
class Batcher {
  private buffer: Buffer;
  private used = 0;

  constructor(private readonly size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  get room(): number {
    return this.size - this.used;
  }

  /** The unused part of the current buffer, to read into directly; then `advance(n)`. */
  space(): Buffer {
    return this.buffer.subarray(this.used);
  }

  advance(bytes: number): void {
    this.used += bytes;
  }

  /** Copies `bytes` in; returns the full buffers to yield. */
  push(bytes: Uint8Array): Buffer[] {
    const full: Buffer[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      const n = Math.min(this.room, bytes.length - offset);
      this.buffer.set(bytes.subarray(offset, offset + n), this.used);
      this.used += n;
      offset += n;
      if (this.room === 0) full.push(this.take());
    }
    return full;
  }

  zeros(count: number): Buffer[] {
    const full: Buffer[] = [];
    let left = count;
    while (left > 0) {
      const n = Math.min(this.room, left);
      this.buffer.fill(0, this.used, this.used + n);
      this.used += n;
      left -= n;
      if (this.room === 0) full.push(this.take());
    }
    return full;
  }

  /** The filled part, as a buffer of its own (a new one is started). */
  take(): Buffer {
    const out = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.size);
    this.used = 0;
    return out;
  }
}

function grew(name: string, size: number): Error {
  return new Error(`file ${name} grew while it was archived (expected ${size} bytes)`);
}

function shrank(name: string, written: number, size: number): Error {
  return new Error(`file ${name} shrank while it was archived (${written} of ${size} bytes)`);
}

/** Reads a host file's `size` bytes into the batches, yielding each full one; fails if the file changed size. */
function* readHostFile(path: string, header: TarHeader, batch: Batcher): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    let written = 0;
    while (written < header.size) {
      const space = batch.space();
      const want = Math.min(space.length, header.size - written);
      const n = readSync(fd, space, 0, want, written);
      if (n === 0) throw shrank(header.name, written, header.size);
      batch.advance(n);
      written += n;
      if (batch.room === 0) yield batch.take();
    }
    if (readSync(fd, Buffer.allocUnsafe(1), 0, 1, written) > 0) throw grew(header.name, header.size);
  } finally {
    closeSync(fd);
  }
}

/**
 * Serialises entries into tar bytes, streaming: each file's content is read as it is written, so
 * memory stays flat whatever the sizes (at most one batch of `chunkSize` is held). A file that
 * yields fewer or more bytes than its header says (it changed while being archived) fails the
 * stream with an error naming it.
 */
export async function* writeTar(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>, options: WriteTarOptions = {}): AsyncGenerator<Buffer> {
  const batch = new Batcher(options.chunkSize ?? DEFAULT_CHUNK);
  for await (const entry of entries) {
    const { header } = entry;
    yield* batch.push(encodeTarHeader(header));
    if (header.type !== 'file' || header.size === 0) continue;
    if (entry.path !== undefined) {
      yield* readHostFile(entry.path, header, batch);
    } else {
      if (entry.open === undefined) throw new Error(`tar entry ${header.name} has content but no source`);
      let written = 0;
      for await (const chunk of entry.open()) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        if (written + buf.length > header.size) throw grew(header.name, header.size);
        written += buf.length;
        yield* batch.push(buf);
      }
      if (written !== header.size) throw shrank(header.name, written, header.size);
    }
    yield* batch.zeros(padding(header.size));
  }
  yield* batch.push(endOfArchive());
  const rest = batch.take();
  if (rest.length > 0) yield rest;
}
