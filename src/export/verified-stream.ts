import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Readable, TransformCallback } from 'node:stream';
import { BuildError } from '../errors/index.js';
import type { Digest } from '../oci/index.js';

/**
 * A pass-through that fails, at its end, when what flowed through it is not `size` bytes with
 * `digest`: an exporter never finishes an archive around a blob that is not what its manifest
 * says. (The error fails the pipeline, and the partial output is removed.)
 */
class VerifyingStream extends Transform {
  #hash: Hash;
  #seen = 0;

  constructor(
    private readonly digest: Digest,
    private readonly size: number,
    private readonly label: string,
  ) {
    super();
    this.#hash = createHash(digest.startsWith('sha512:') ? 'sha512' : 'sha256');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.size) {
      callback(this.mismatch(`more than the ${this.size} bytes expected`));
      return;
    }
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actual = `${this.digest.slice(0, this.digest.indexOf(':'))}:${this.#hash.digest('hex')}`;
    if (this.#seen !== this.size) callback(this.mismatch(`${this.#seen} bytes, not ${this.size}`));
    else if (actual !== this.digest) callback(this.mismatch(`digest ${actual}`));
    else callback();
  }

  private mismatch(what: string): BuildError<'INVALID_IMAGE'> {
    return new BuildError('INVALID_IMAGE', `${this.label}: the blob ${this.digest} read back as ${what}`, {
      hint: 'the image in the store may be damaged: run `stagecraft verify`',
      details: { digest: this.digest, expectedSize: this.size, source: this.label },
    });
  }
}

/** `stream` passed through a digest and size check (see VerifyingStream). */
export function verified(stream: Readable, digest: Digest, size: number, label: string): Readable {
  const check = new VerifyingStream(digest, size, label);
  stream.once('error', (err) => check.destroy(err));
  return stream.pipe(check);
}
