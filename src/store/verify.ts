import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { digestAlgorithm, toDigest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import type { StoreParts } from './parts.js';
import type { BrokenImage, CorruptBlob, VerifyReport } from './types.js';

async function hashBlob(parts: StoreParts, digest: Digest, signal?: AbortSignal): Promise<{ actual: Digest; size: number } | undefined> {
  const algorithm = digestAlgorithm(digest);
  const hash = createHash(algorithm);
  let size = 0;
  let stream;
  try {
    stream = await parts.blobs.open(digest);
  } catch {
    return undefined; // removed meanwhile (a prune or rmi)
  }
  await pipeline(
    stream,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        size += chunk.length;
        hash.update(chunk);
      }
      yield* [];
    },
    ...(signal !== undefined ? [{ signal }] : []),
  );
  return { actual: toDigest(`${algorithm}:${hash.digest('hex')}`), size };
}

/** The blobs an image needs (manifest, config, layers), as far as its manifest can be read. */
async function requiredBlobs(parts: StoreParts, manifestDigest: Digest, unusable: ReadonlySet<Digest>): Promise<Digest[]> {
  const needed: Digest[] = [manifestDigest];
  if (unusable.has(manifestDigest) || !(await parts.blobs.has(manifestDigest))) return needed;
  try {
    const manifest = JSON.parse(Buffer.from(await parts.blobs.read(manifestDigest)).toString('utf8')) as {
      config?: { digest: Digest };
      layers?: { digest: Digest }[];
    };
    if (manifest.config) needed.push(manifest.config.digest);
    for (const layer of manifest.layers ?? []) needed.push(layer.digest);
  } catch {
    // unreadable manifest: the manifest itself is what is reported
  }
  return needed;
}

/**
 * Re-hashes every blob; reports those whose bytes no longer match their name. With `repair`,
 * deletes them (under the store lock, after hashing once more, so a good copy renamed in by a
 * concurrent writer is kept) and reports which images are now broken.
 */
export async function verifyStore(parts: StoreParts, options: { repair?: boolean; signal?: AbortSignal } = {}): Promise<VerifyReport> {
  const { signal } = options;
  const corrupt: CorruptBlob[] = [];
  let checkedBlobs = 0;
  let checkedBytes = 0;
  for (const digest of await parts.blobs.list()) {
    signal?.throwIfAborted();
    const result = await hashBlob(parts, digest, signal);
    if (result === undefined) continue;
    checkedBlobs++;
    checkedBytes += result.size;
    if (result.actual !== digest) corrupt.push({ digest, path: parts.blobs.path(digest), actual: result.actual, size: result.size });
  }
  const removed: Digest[] = [];
  if (options.repair === true && corrupt.length > 0) {
    await parts.lock.withLock(
      async () => {
        for (const blob of corrupt) {
          const again = await hashBlob(parts, blob.digest, signal);
          if (again !== undefined && again.actual !== blob.digest && (await parts.blobs.remove(blob.digest))) removed.push(blob.digest);
        }
      },
      { purpose: 'verify --repair', signal },
    );
  }
  const unusable = new Set<Digest>(corrupt.map((c) => c.digest));
  const images = new Map<Digest, string[]>();
  for (const record of await parts.images.list()) images.set(record.digest, []);
  for (const ref of await parts.refs.list()) images.set(ref.digest, [...(images.get(ref.digest) ?? []), ref.name]);
  const brokenImages: BrokenImage[] = [];
  for (const [manifestDigest, references] of images) {
    const needed = await requiredBlobs(parts, manifestDigest, unusable);
    const missing: Digest[] = [];
    for (const d of needed) if (unusable.has(d) || !(await parts.blobs.has(d))) missing.push(d);
    if (missing.length > 0) brokenImages.push({ manifestDigest, references, missing });
  }
  return { checkedBlobs, checkedBytes, corrupt, removed, brokenImages };
}
