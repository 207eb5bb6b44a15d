import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { BuildError } from '../errors/index.js';
import type { Image, Layer } from '../image/types.js';
import { MediaType, layerCompression } from '../oci/index.js';
import type { Descriptor, Digest, ImageConfig, ImageManifest } from '../oci/index.js';
import type { BlobStore } from './blobs.js';

/** Parses a small JSON blob from the store, failing with STORE_CORRUPT if it is not JSON. */
export function parseStoredJson(bytes: Uint8Array, digest: Digest, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch (err) {
    throw new BuildError('STORE_CORRUPT', `the ${what} ${digest} in the store is not valid JSON`, {
      hint: 'run `stagecraft verify --repair`, then pull or build the image again',
      details: { digest },
      cause: err,
    });
  }
}

/** Returns a decompressing view of `source` for a layer of this media type. */
export function decompressLayer(source: Readable, mediaType: string, digest: Digest): Readable {
  const compression = layerCompression(mediaType) ?? 'none';
  if (compression === 'none') return source;
  let transform: NodeJS.ReadWriteStream;
  if (compression === 'gzip') {
    transform = zlib.createGunzip();
  } else {
    const make = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
    if (make === undefined) {
      source.destroy();
      throw new BuildError('UNSUPPORTED_COMPRESSION', `layer ${digest} is zstd-compressed, which this Node.js cannot decompress`, {
        details: { digest, mediaType },
      });
    }
    transform = make();
  }
  source.on('error', (err) => (transform as unknown as Readable).destroy(err));
  return source.pipe(transform) as unknown as Readable;
}

function storeLayer(blobs: BlobStore, descriptor: Descriptor, diffId: () => Promise<Digest>): Layer {
  return {
    digest: () => Promise.resolve(descriptor.digest),
    diffId,
    size: () => Promise.resolve(descriptor.size),
    mediaType: () => Promise.resolve(descriptor.mediaType),
    open: () => blobs.open(descriptor.digest),
    openUncompressed: async () => decompressLayer(await blobs.open(descriptor.digest), descriptor.mediaType, descriptor.digest),
  };
}

/** The mediaType of a manifest that does not say: Docker's when the config is Docker's. */
export function manifestMediaType(manifest: ImageManifest): string {
  if (manifest.mediaType !== undefined) return manifest.mediaType;
  return manifest.config.mediaType === MediaType.dockerConfig ? MediaType.dockerManifest : MediaType.ociManifest;
}

/** An image held in the store, read lazily from its blobs. */
export function storeImage(blobs: BlobStore, digest: Digest): Image {
  let manifest: Promise<ImageManifest> | undefined;
  let config: Promise<ImageConfig> | undefined;
  const getManifest = (): Promise<ImageManifest> => {
    manifest ??= blobs.read(digest).then((bytes) => parseStoredJson(bytes, digest, 'manifest') as ImageManifest);
    return manifest;
  };
  const rawConfig = async (): Promise<Uint8Array> => blobs.read((await getManifest()).config.digest);
  const getConfig = (): Promise<ImageConfig> => {
    config ??= getManifest().then(async (m) => parseStoredJson(await blobs.read(m.config.digest), m.config.digest, 'config') as ImageConfig);
    return config;
  };
  return {
    rawManifest: () => blobs.read(digest),
    manifest: getManifest,
    digest: () => Promise.resolve(digest),
    mediaType: async () => manifestMediaType(await getManifest()),
    rawConfig,
    config: getConfig,
    layers: async () => {
      const m = await getManifest();
      return m.layers.map((descriptor, index) =>
        storeLayer(blobs, descriptor, async () => {
          const diffId = (await getConfig()).rootfs.diff_ids[index];
          if (diffId === undefined) {
            throw new BuildError('STORE_CORRUPT', `image ${digest} has ${m.layers.length} layers but its config lists fewer diff_ids`, {
              details: { digest },
            });
          }
          return diffId;
        }),
      );
    },
  };
}
