import { Readable } from 'node:stream';
import { validateImage } from '../image/index.js';
import type { Image } from '../image/index.js';
import type { Digest } from '../oci/index.js';
import { verified } from './verified-stream.js';

/** A blob to write: its digest and size, and how to read it (verified against both). */
export interface BlobToWrite {
  readonly digest: Digest;
  readonly size: number;
  open(): Promise<Readable>;
}

export interface CollectedImage {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly manifestSize: number;
}

/**
 * Checks `image` against the image contract and lists the blobs that carry it (manifest, config,
 * layers), adding each to `blobs` once by digest. Layer blobs are opened only when written.
 */
export async function collectImageBlobs(image: Image, blobs: Map<string, BlobToWrite>, label: string): Promise<CollectedImage> {
  await validateImage(image, { source: label });
  const [rawManifest, digest, mediaType, manifest, rawConfig, layers] = await Promise.all([
    image.rawManifest(),
    image.digest(),
    image.mediaType(),
    image.manifest(),
    image.rawConfig(),
    image.layers(),
  ]);
  const small = (bytes: Uint8Array, d: Digest): BlobToWrite => ({ digest: d, size: bytes.byteLength, open: () => Promise.resolve(Readable.from([Buffer.from(bytes)])) });
  blobs.set(digest, small(rawManifest, digest));
  blobs.set(manifest.config.digest, small(rawConfig, manifest.config.digest));
  manifest.layers.forEach((descriptor, i) => {
    const layer = layers[i];
    if (layer === undefined || blobs.has(descriptor.digest)) return;
    blobs.set(descriptor.digest, {
      digest: descriptor.digest,
      size: descriptor.size,
      open: async () => verified(await layer.open(), descriptor.digest, descriptor.size, `${label} layer ${i}`),
    });
  });
  return { digest, mediaType, manifestSize: rawManifest.byteLength };
}
