import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Digest, LayerCompression } from '../oci/index.js';
import { MAGIC_LENGTH, compress, decompress, detectCompression, unsupportedCompression } from './compression.js';
import { layerReadError, pipelineTo } from './layer-from-blobs.js';
import { layerMediaType } from './media-family.js';
import type { ManifestFormat } from './media-family.js';
import { DigestingStream, discard, once, peekStream } from './streams.js';
import type { Layer } from './types.js';

/** How a layer made from a tar file is distributed: as it is on disk (`keep`), plain or gzip. */
export type LayerOutputCompression = LayerCompression | 'keep';

export interface LayerFromTarOptions {
  /** `gzip` (the default) compresses a plain tar; `keep` leaves the file as it is. */
  readonly compression?: LayerOutputCompression;
  /** Names the layer in errors (defaults to the path). */
  readonly source?: string;
  /** The DiffID the source claims (a docker-archive's config says it); checked by validateImage. */
  readonly diffId?: Digest;
  /** The size of the raw file, when known: with `keep` it is the blob size. */
  readonly rawSize?: number;
  /** The size of the uncompressed tar, when known: with compression `none` it is the blob size. */
  readonly uncompressedSize?: number;
  /** How the raw stream is compressed, when the source knows (skips sniffing the magic number). */
  readonly rawCompression?: LayerCompression;
  /** Which family of media types mediaType() answers from (OCI by default). */
  readonly format?: ManifestFormat;
}

/**
 * A layer from a tar file that may be plain or gzip-compressed (zstd, xz and bzip2 are recognised
 * and refused with UNSUPPORTED_COMPRESSION). The file is re-read on every open().
 */
export function layerFromTarFile(path: string, options: LayerFromTarOptions = {}): Layer {
  return layerFromOpener(() => Promise.resolve(createReadStream(path)), { source: path, ...options });
}

/**
 * A layer over any re-openable tar stream (a file, an archive entry). Its compression is sniffed
 * once from the magic number; digests are computed once, by streaming, when first asked for.
 */
export function layerFromOpener(openRaw: () => Promise<Readable>, options: LayerFromTarOptions = {}): Layer {
  const source = options.source ?? 'layer';
  const wanted = options.compression ?? 'gzip';
  const format = options.format ?? 'oci';
  const known = options.rawCompression;
  const detected = once(async (): Promise<LayerCompression> => {
    if (known !== undefined) return known;
    const { head, stream } = await peekStream(await openRaw(), MAGIC_LENGTH);
    stream.destroy();
    const kind = detectCompression(head);
    if (kind !== 'none' && kind !== 'gzip' && kind !== 'zstd') throw unsupportedCompression(kind, source);
    return kind;
  });
  const output = async (): Promise<LayerCompression> => (wanted === 'keep' ? await detected() : wanted);
  const openUncompressed = async (): Promise<Readable> => decompress(await openRaw(), await detected(), source);
  const open = async (): Promise<Readable> => {
    const [from, to] = [await detected(), await output()];
    if (from === to) return openRaw();
    return compress(await openUncompressed(), to, source);
  };
  const measure = once(async () => {
    const [from, to] = [await detected(), await output()];
    const diffHash = new DigestingStream();
    const blobHash = to === 'none' ? diffHash : new DigestingStream();
    try {
      if (from === to && to !== 'none') {
        // The blob is the file: hash it, then decompress to hash the tar.
        await pipeline(decompress(pipelineTo(await openRaw(), blobHash), from, source), diffHash, discard());
      } else if (to === 'none') {
        await pipeline(await openUncompressed(), diffHash, discard());
      } else {
        await pipeline(compress(pipelineTo(await openUncompressed(), diffHash), to, source), blobHash, discard());
      }
    } catch (err) {
      throw layerReadError(err, source);
    }
    return { digest: blobHash.digest(), size: blobHash.size, diffId: diffHash.digest() };
  });
  const claimedDiffId = options.diffId;
  return {
    async digest(): Promise<Digest> {
      if ((await output()) === 'none' && claimedDiffId !== undefined) return claimedDiffId;
      return (await measure()).digest;
    },
    async diffId(): Promise<Digest> {
      return claimedDiffId ?? (await measure()).diffId;
    },
    async size(): Promise<number> {
      if (options.rawSize !== undefined && (await detected()) === (await output())) return options.rawSize;
      if (options.uncompressedSize !== undefined && (await output()) === 'none') return options.uncompressedSize;
      return (await measure()).size;
    },
    mediaType: async () => layerMediaType(format, await output()),
    open,
    openUncompressed,
  };
}
