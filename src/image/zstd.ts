import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { Decompress } from 'fzstd';

/**
 * A streaming zstd decoder (fzstd, pure JavaScript: Node 20 has no zstd in zlib). Output is pushed
 * as the decoder produces it, so memory stays bounded by zstd's window, not by the layer size.
 * A truncated stream fails at the end with an error whose code is `Z_BUF_ERROR`, as gunzip's does.
 */
export function createZstdDecompress(): Transform {
  let ended = false;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        callback();
      } catch (err) {
        callback(toStreamError(err));
      }
    },
    flush(callback: TransformCallback) {
      try {
        decoder.push(new Uint8Array(0), true);
        if (!ended) {
          const err = new Error('unexpected end of file') as NodeJS.ErrnoException;
          err.code = 'Z_BUF_ERROR';
          callback(err);
          return;
        }
        callback();
      } catch (err) {
        callback(toStreamError(err));
      }
    },
  });
  // Declared after the transform that calls it; both callbacks only run once it exists.
  const decoder = new Decompress((data, final) => {
    if (data.length > 0) transform.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    if (final === true) ended = true;
  });
  return transform;
}

function toStreamError(err: unknown): Error {
  const error: NodeJS.ErrnoException = err instanceof Error ? err : new Error(String(err));
  error.code ??= 'Z_DATA_ERROR';
  return error;
}
