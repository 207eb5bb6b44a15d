import { createHash } from 'node:crypto';

declare const digestBrand: unique symbol;

/** A content digest `sha256:<64 hex>` (or `sha512:<128 hex>`), validated on construction. */
export type Digest = string & { readonly [digestBrand]: true };

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: string): value is Digest {
  return DIGEST_PATTERN.test(value);
}

/** The one validating constructor of Digest. Throws on anything that is not a digest. */
export function toDigest(value: string): Digest {
  if (!isDigest(value)) throw new TypeError(`not a valid digest: ${JSON.stringify(value)}`);
  return value;
}

export function digestAlgorithm(digest: Digest): 'sha256' | 'sha512' {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** The sha256 digest of some bytes (for small things: manifests and configs). */
export function sha256Digest(data: string | Uint8Array): Digest {
  return toDigest('sha256:' + createHash('sha256').update(data).digest('hex'));
}

/** The 12-character short id docker shows for an image (the config digest's hex). */
export function shortId(digest: Digest): string {
  return digestHex(digest).slice(0, 12);
}
