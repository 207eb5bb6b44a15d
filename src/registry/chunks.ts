import type { Readable } from 'node:stream';
import { BuildError } from '../errors/index.js';

/** One slice of a blob: its length, and its bytes read (once) from the shared source. */
export interface Chunk {
  readonly length: number;
  body(): AsyncGenerator<Buffer>;
}

/**
 * Cuts a stream of `size` bytes into slices of `chunkSize` without buffering more than the
 * source's own chunks: each slice's body reads on from where the previous one stopped, so the
 * slices must be consumed in order, each to its end.
 */
export function* chunksOf(source: Readable, size: number, chunkSize: number): Generator<Chunk> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let leftover: Buffer | undefined;
  for (let offset = 0; offset < size; offset += chunkSize) {
    const length = Math.min(chunkSize, size - offset);
    const start = offset;
    yield {
      length,
      body: async function* () {
        let remaining = length;
        while (remaining > 0) {
          let piece = leftover;
          leftover = undefined;
          if (piece === undefined) {
            const next = await iterator.next();
            if (next.done === true) {
              throw new BuildError('DIGEST_MISMATCH', `the blob ended after ${start + length - remaining} bytes, its descriptor gives ${size}`);
            }
            piece = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
          }
          if (piece.byteLength > remaining) {
            leftover = piece.subarray(remaining);
            piece = piece.subarray(0, remaining);
          }
          remaining -= piece.byteLength;
          yield piece;
        }
      },
    };
  }
}
