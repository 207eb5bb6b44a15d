import type { Readable } from 'node:stream';
import { contentPadding, encodeTarHeader, endOfArchive } from './tar-header.js';
import type { TarHeader } from './tar-header.js';

/** One archive entry: its header and, for a regular file, a way to open its content. */
export interface TarEntry {
  readonly header: TarHeader;
  /** Opens the content of a `file` entry; it must yield exactly `header.size` bytes. */
  readonly open?: () => Readable;
}

/**
 * Serialises entries into tar bytes, streaming: each file's content is read as it is written, so
 * memory stays flat whatever the sizes. A file that yields fewer or more bytes than its header
 * says (it changed while being archived) fails the stream with an error naming it.
 */
export async function* writeTar(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for await (const entry of entries) {
    const { header } = entry;
    yield encodeTarHeader(header);
    if (header.type !== 'file' || header.size === 0) continue;
    if (entry.open === undefined) throw new Error(`tar entry ${header.name} has content but no source`);
    let written = 0;
    for await (const chunk of entry.open()) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      if (written + buf.length > header.size) {
        throw new Error(`file ${header.name} grew while it was archived (expected ${header.size} bytes)`);
      }
      written += buf.length;
      yield buf;
    }
    if (written !== header.size) {
      throw new Error(`file ${header.name} shrank while it was archived (${written} of ${header.size} bytes)`);
    }
    yield contentPadding(header.size);
  }
  yield endOfArchive();
}
