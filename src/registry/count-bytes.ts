import { pipeline, Transform } from 'node:stream';
import type { Readable } from 'node:stream';

/**
 * `source` passed through unchanged, with `onProgress` told the running byte count. An error of
 * `source` fails the returned stream too (so a consumer never mistakes it for an end).
 */
export function countBytes(source: Readable, onProgress: (bytes: number) => void): Readable {
  let count = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      count += chunk.byteLength;
      onProgress(count);
      callback(null, chunk);
    },
  });
  pipeline(source, counter, () => undefined);
  return counter;
}
