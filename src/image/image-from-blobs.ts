import type { Readable } from 'node:stream';
import { BuildError } from '../errors/index.js';
import { sha256Digest } from '../oci/index.js';
import type { Digest, ImageManifest, Platform } from '../oci/index.js';
import { layerFromBlobs } from './layer-from-blobs.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, parseConfig, parseManifest } from './parse-manifest.js';
import { selectManifest } from './select-platform.js';
import { once, readAll } from './streams.js';
import type { Image, Layer } from './types.js';

/** Where an image's blobs come from (a store, a layout directory, an archive, a registry). */
export interface BlobReader {
  /** Opens a blob by digest; each call gives a fresh stream. */
  openBlob(digest: Digest): Promise<Readable>;
}

export interface ImageFromBlobsOptions {
  /** Names the image in errors. */
  readonly source?: string;
  /** The media type of the descriptor that pointed at the manifest, if any. */
  readonly mediaType?: string;
}

/** Reads a small blob (a manifest or config) whole, refusing one larger than `limit`. */
export async function readSmallBlob(reader: BlobReader, digest: Digest, limit: number, source: string): Promise<Buffer> {
  try {
    return await readAll(await reader.openBlob(digest), limit);
  } catch (err) {
    if (err instanceof RangeError) {
      throw new BuildError('INVALID_IMAGE', `${source}: blob ${digest} is larger than ${limit} bytes`, { details: { source, digest } });
    }
    throw err;
  }
}

/**
 * An Image view over a manifest's bytes and a blob reader: the config is read when first asked
 * for, layers are opened from their blobs on demand. Claims (digests, sizes, DiffIDs) are taken as
 * written; validateImage() is what checks them against the bytes.
 */
export function imageFromBlobs(rawManifest: Uint8Array, reader: BlobReader, options: ImageFromBlobsOptions = {}): Image {
  const source = options.source ?? 'image';
  const parsed = parseManifest(rawManifest, { source, ...(options.mediaType !== undefined ? { mediaType: options.mediaType } : {}) });
  if (parsed.kind !== 'manifest') {
    throw new BuildError('INVALID_IMAGE', `${source}: expected an image manifest, found an index`, { details: { source } });
  }
  const manifest: ImageManifest = parsed.manifest;
  const rawConfig = once(() => readSmallBlob(reader, manifest.config.digest, MAX_CONFIG_BYTES, source));
  const config = once(async () => parseConfig(await rawConfig(), { source: `${source} config` }));
  const layers = once(async (): Promise<readonly Layer[]> => {
    const diffIds = (await config()).rootfs.diff_ids;
    return manifest.layers.map((descriptor, i) => {
      const diffId = diffIds[i];
      return layerFromBlobs({
        mediaType: descriptor.mediaType,
        open: () => reader.openBlob(descriptor.digest),
        digest: descriptor.digest,
        size: descriptor.size,
        ...(diffId !== undefined ? { diffId } : {}),
        source: `${source} layer ${descriptor.digest}`,
      });
    });
  });
  const digest = sha256Digest(rawManifest);
  return {
    rawManifest: () => Promise.resolve(rawManifest),
    manifest: () => Promise.resolve(manifest),
    digest: () => Promise.resolve(digest),
    mediaType: () => Promise.resolve(parsed.mediaType),
    rawConfig,
    config,
    layers,
  };
}

export interface ResolveOptions extends ImageFromBlobsOptions {
  /** The platform to pick from an index or manifest list. */
  readonly platform: Platform;
}

const MAX_INDEX_DEPTH = 4;

/**
 * The image a manifest-or-index names: an image manifest as it is, an index (OCI) or manifest list
 * (Docker) by picking the entry for `platform`, following nested indexes a few levels deep.
 */
export async function resolveImage(raw: Uint8Array, reader: BlobReader, options: ResolveOptions): Promise<Image> {
  let bytes = raw;
  let mediaType = options.mediaType;
  let source = options.source ?? 'image';
  for (let depth = 0; depth <= MAX_INDEX_DEPTH; depth++) {
    const parsed = parseManifest(bytes, { source, ...(mediaType !== undefined ? { mediaType } : {}) });
    if (parsed.kind === 'manifest') return imageFromBlobs(bytes, reader, { source, mediaType: parsed.mediaType });
    const entry = selectManifest(parsed.index, options.platform, { source });
    bytes = await readSmallBlob(reader, entry.digest, MAX_MANIFEST_BYTES, source);
    if (sha256Digest(bytes) !== entry.digest) {
      throw new BuildError('INVALID_IMAGE', `${source}: manifest ${entry.digest} does not match its digest`, {
        details: { source, digest: entry.digest },
      });
    }
    mediaType = entry.mediaType;
    source = `${source}@${entry.digest}`;
  }
  throw new BuildError('INVALID_IMAGE', `${options.source ?? 'image'}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
}
