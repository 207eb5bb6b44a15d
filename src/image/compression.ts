import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { BuildError } from '../errors/index.js';
import type { LayerCompression } from '../oci/index.js';
import { peekStream } from './streams.js';
import { createZstdDecompress } from './zstd.js';

/** What the first bytes of a blob say it is. `none`, `gzip` and `zstd` can be read. */
export type DetectedCompression = LayerCompression | 'xz' | 'bzip2';

const MAGIC: ReadonlyArray<readonly [DetectedCompression, readonly number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
];

/** Longest magic number we look for: read this many bytes before calling detectCompression. */
export const MAGIC_LENGTH = 6;

/** The compression a blob's leading bytes announce (`none` when no known magic number matches). */
export function detectCompression(head: Uint8Array): DetectedCompression {
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) return kind;
  }
  return 'none';
}

/** The error for a compression we recognise but cannot decode (xz, bzip2 as layers; zstd for writing). */
export function unsupportedCompression(kind: DetectedCompression, source: string): BuildError<'UNSUPPORTED_COMPRESSION'> {
  const hint =
    kind === 'zstd'
      ? 'zstd layers cannot be read yet (Node 20 has no zstd decoder); re-export the image with gzip compression'
      : `decompress it first (for example with \`${kind === 'xz' ? 'xz -d' : 'bunzip2'}\`) and use the plain tar`;
  return new BuildError('UNSUPPORTED_COMPRESSION', `${source} is ${kind}-compressed, which stagecraft cannot read`, {
    hint,
    details: { compression: kind, source },
  });
}

/**
 * The decompressed form of `stream`, given how it is compressed. Errors of the source and of the
 * decoder (a corrupt or truncated gzip stream) surface on the returned stream.
 */
export function decompress(stream: Readable, compression: DetectedCompression, source: string): Readable {
  switch (compression) {
    case 'none':
      return stream;
    case 'gzip':
      return pipeline(stream, createGunzip(), ignore);
    case 'zstd':
      return pipeline(stream, createZstdDecompress(), ignore);
    default:
      stream.destroy();
      throw unsupportedCompression(compression, source);
  }
}

/** Sniffs the stream's compression from its magic number and returns it decompressed. */
export async function decompressDetected(stream: Readable, source: string): Promise<{ compression: DetectedCompression; stream: Readable }> {
  const peeked = await peekStream(stream, MAGIC_LENGTH);
  const compression = detectCompression(peeked.head);
  return { compression, stream: decompress(peeked.stream, compression, source) };
}

/**
 * `stream` compressed as asked. gzip output is deterministic for the same input (zlib writes no
 * name and a zero mtime), so a layer compressed twice has one digest.
 */
export function compress(stream: Readable, compression: LayerCompression, source: string): Readable {
  switch (compression) {
    case 'none':
      return stream;
    case 'gzip':
      return pipeline(stream, createGzip(), ignore);
    case 'zstd':
      stream.destroy();
      throw new BuildError('UNSUPPORTED_COMPRESSION', `cannot write ${source} with zstd compression`, {
        hint: 'use gzip or no compression',
        details: { compression, source },
      });
  }
}

/** Whether an error came from zlib finding corrupt or truncated compressed data. */
export function isCorruptDataError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || err.message === 'unexpected end of file';
}

// Errors reach the consumer through the returned stream; pipeline's callback has nothing to add.
function ignore(): void {
  // nothing
}
