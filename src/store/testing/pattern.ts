import { createHash } from 'node:crypto';
import { toDigest } from '../../oci/index.js';
import type { Digest } from '../../oci/index.js';

const CHUNK = 64 * 1024;

/** A deterministic byte stream of `size` bytes: 64 KiB chunks derived from `seed` and the index. */
export function* patternChunks(size: number, seed: string): Generator<Buffer> {
  const base = createHash('sha256').update(seed).digest();
  for (let offset = 0, index = 0; offset < size; offset += CHUNK, index++) {
    const chunk = Buffer.alloc(Math.min(CHUNK, size - offset), base);
    if (chunk.length >= 4) chunk.writeUInt32BE(index, 0);
    yield chunk;
  }
}

/** The digest of patternChunks(size, seed). */
export function patternDigest(size: number, seed: string): Digest {
  const hash = createHash('sha256');
  for (const chunk of patternChunks(size, seed)) hash.update(chunk);
  return toDigest(`sha256:${hash.digest('hex')}`);
}
