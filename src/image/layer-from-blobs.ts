import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BuildError, isBuildError } from '../errors/index.js';
import type { Digest } from '../oci/index.js';
import { decompress, isCorruptDataError } from './compression.js';
import { requireLayerCompression } from './media-family.js';
import { DigestingStream, discard, once } from './streams.js';
import type { Layer } from './types.js';

/** What a source knows about one layer blob; whatever is missing is computed once, by streaming. */
export interface LayerBlobs {
  /** The media type of the blob as distributed; it says how the blob is compressed. */
  readonly mediaType: string;
  /** Opens the blob as distributed. Called once per read: each call must give a fresh stream. */
  readonly open: () => Promise<Readable>;
  /** Opens the uncompressed tar, when the source has a faster way than decompressing `open()`. */
  readonly openUncompressed?: () => Promise<Readable>;
  readonly digest?: Digest;
  readonly size?: number;
  readonly diffId?: Digest;
  /** Names the layer in errors (a file, an archive entry, a digest). */
  readonly source?: string;
}

interface Measured {
  readonly digest: Digest;
  readonly size: number;
  readonly diffId: Digest;
}

/**
 * A Layer view over a blob that can be opened again and again. Known digests are taken as claims
 * (validateImage checks them); unknown ones are computed in a single streaming pass, shared by
 * every accessor, and never by holding the layer in memory.
 */
export function layerFromBlobs(blobs: LayerBlobs): Layer {
  const compression = requireLayerCompression(blobs.mediaType);
  const source = blobs.source ?? 'layer';
  const openUncompressed = async (): Promise<Readable> => {
    if (blobs.openUncompressed !== undefined) return blobs.openUncompressed();
    return decompress(await blobs.open(), compression, source);
  };
  const measure = once(async (): Promise<Measured> => {
    const blobHash = new DigestingStream();
    const diffHash = compression === 'none' ? blobHash : new DigestingStream();
    try {
      const blob = await blobs.open();
      if (compression === 'none') {
        await pipeline(blob, blobHash, discard());
      } else {
        await pipeline(decompress(pipelineTo(blob, blobHash), compression, source), diffHash, discard());
      }
    } catch (err) {
      throw layerReadError(err, source);
    }
    return { digest: blobHash.digest(), size: blobHash.size, diffId: diffHash.digest() };
  });
  const { digest, size, diffId } = blobs;
  return {
    digest: async () => digest ?? (compression === 'none' && diffId !== undefined ? diffId : (await measure()).digest),
    size: async () => size ?? (await measure()).size,
    diffId: async () => diffId ?? (compression === 'none' && digest !== undefined ? digest : (await measure()).diffId),
    mediaType: () => Promise.resolve(blobs.mediaType),
    open: () => blobs.open(),
    openUncompressed,
  };
}

/** `source` piped into the pass-through `through`, errors of either surfacing on `through`. */
export function pipelineTo(source: Readable, through: DigestingStream): Readable {
  source.once('error', (err) => through.destroy(err));
  return source.pipe(through);
}

/** Turns a failure while reading a layer into a user-facing error when the data was at fault. */
export function layerReadError(err: unknown, source: string): unknown {
  if (isBuildError(err)) return err;
  if (isCorruptDataError(err)) {
    return new BuildError('INVALID_IMAGE', `${source}: corrupt compressed data (${err.message})`, {
      details: { source },
      cause: err,
    });
  }
  return err;
}
