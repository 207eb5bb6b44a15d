import type { Readable } from 'node:stream';
import type { Digest } from '../oci/index.js';
import type { Image, Layer } from '../image/types.js';
import type { Lease } from '../store/index.js';
import { mapBounded } from './bounded.js';
import { countBytes } from './count-bytes.js';
import type { PullProgress } from './progress.js';
import { remoteImage } from './remote-image.js';
import type { RemoteImage, RemoteOptions } from './remote-image.js';
import { formatRemoteReference } from './remote-reference.js';
import type { RemoteReference } from './remote-reference.js';

/**
 * What pullImage needs of the image store (src/store's Store provides it): a verified blob write
 * that keeps nothing of a stream that fails, and an image put that copies what is still missing.
 */
export interface PullTarget {
  hasBlob(digest: Digest): Promise<boolean>;
  writeBlob(stream: Readable, options: { readonly expected: Digest; readonly lease?: Lease }): Promise<unknown>;
  putImage(image: Image, options: { readonly tags: readonly string[] }): Promise<unknown>;
  /** Keeps blobs written before their manifest from a concurrent prune (see src/store leases). */
  createLease?(digests?: Iterable<Digest>): Promise<Lease>;
}

export interface PullOptions extends RemoteOptions {
  readonly store: PullTarget;
  /** Layers downloaded at once (default 3, as docker). */
  readonly concurrency?: number;
  /** The names to tag the image with in the store (default: the reference as given). */
  readonly tags?: readonly string[];
}

export interface PullResult {
  readonly digest: Digest;
  readonly image: RemoteImage;
  /** Layers fetched now, and layers the store already had. */
  readonly downloaded: number;
  readonly existing: number;
}

interface LayerToFetch {
  readonly layer: Layer;
  readonly digest: Digest;
  readonly size: number;
}

async function fetchLayer(entry: LayerToFetch, store: PullTarget, lease: Lease | undefined, onEvent: ((e: PullProgress) => void) | undefined): Promise<void> {
  const { layer, digest, size } = entry;
  const source = await layer.open();
  const stream =
    onEvent === undefined
      ? source
      : countBytes(source, (current) => {
          onEvent({ type: 'layer-progress', digest, current, total: size });
        });
  await store.writeBlob(stream, { expected: digest, ...(lease === undefined ? {} : { lease }) });
  onEvent?.({ type: 'layer-done', digest, size });
}

/**
 * Pulls `ref` into a store: resolves the manifest (mirrors first), downloads the layers the store
 * lacks in parallel (each verified while it streams; a mismatch fails the pull and keeps nothing of
 * that blob), then stores the image under `tags` through `store.putImage`. The layers are leased
 * from before their existence check until the tag is written, so a concurrent prune cannot take
 * one this pull counted on.
 */
export async function pullImage(ref: RemoteReference, options: PullOptions): Promise<PullResult> {
  const image = await remoteImage(ref, options);
  const { store, onEvent } = options;
  const layers = await image.layers();
  const described = await Promise.all(layers.map(async (layer) => ({ layer, digest: await layer.digest(), size: await layer.size() })));
  // the config first: it is small, and a bad one should fail before gigabytes move
  await image.rawConfig();
  const seen = new Set<Digest>();
  const unique = described.filter((l) => (seen.has(l.digest) ? false : (seen.add(l.digest), true)));
  const lease = await store.createLease?.(unique.map((l) => l.digest));
  try {
    const missing: LayerToFetch[] = [];
    for (const entry of unique) {
      if (await store.hasBlob(entry.digest)) onEvent?.({ type: 'layer-exists', digest: entry.digest, size: entry.size });
      else {
        missing.push(entry);
        onEvent?.({ type: 'layer-waiting', digest: entry.digest, size: entry.size });
      }
    }
    await mapBounded(missing, options.concurrency ?? 3, (entry) => fetchLayer(entry, store, lease, onEvent));
    await store.putImage(image, { tags: options.tags ?? [formatRemoteReference(ref)] });
    const digest = await image.digest();
    onEvent?.({ type: 'done', reference: formatRemoteReference(ref), digest });
    return { digest, image, downloaded: missing.length, existing: unique.length - missing.length };
  } finally {
    await lease?.release();
  }
}
