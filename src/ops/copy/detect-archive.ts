import { lstat } from 'node:fs/promises';
import type { ArchiveCompression } from './decompress.js';
import { openDecompressed, sniffCompression } from './decompress.js';

const BLOCK = 512;

/** Reads up to `size` bytes from the start of a stream, then closes it. */
async function readHead(stream: NodeJS.ReadableStream & { destroy(): void }, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(buffer);
      length += buffer.length;
      if (length >= size) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, size);
}

function parseOctal(field: Buffer): number | undefined {
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (!/^[0-7]+$/.test(text)) return undefined;
  return Number.parseInt(text, 8);
}

/**
 * Whether a 512-byte block is a tar header Go's archive/tar accepts: its checksum (the byte sum
 * with the checksum field read as spaces, unsigned or signed) matches the recorded one. An
 * all-zero block is the end of an (empty) archive, which is not an archive to unpack.
 */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < BLOCK || block.every((byte) => byte === 0)) return false;
  const recorded = parseOctal(block.subarray(148, 156));
  if (recorded === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += byte;
    signed += byte >= 0x80 ? byte - 0x100 : byte;
  }
  return recorded === unsigned || recorded === signed;
}

/**
 * BuildKit's isArchivePath: a regular file that decompresses (gzip, bzip2, xz, zstd or none, told
 * by its first bytes, never by its name) to something whose first block is a valid tar header.
 * Returns its compression, or undefined for anything else (an empty file, a text file ending in
 * `.tar.gz`, a corrupt stream): those are copied as they are.
 */
export async function detectArchive(path: string): Promise<ArchiveCompression | undefined> {
  try {
    const stats = await lstat(path);
    if (!stats.isFile() || stats.size === 0) return undefined;
    const compression = await sniffCompression(path);
    const head = await readHead(openDecompressed(path, compression), BLOCK);
    return isTarHeader(head) ? compression : undefined;
  } catch {
    return undefined;
  }
}
