import type { Readable } from 'node:stream';
import type { Digest, ImageConfig, ImageManifest } from '../oci/index.js';

/**
 * A layer as a read-only view (after go-containerregistry's v1.Layer). Every accessor may fail
 * (a remote layer is fetched lazily); `open` may be called any number of times, each call giving a
 * fresh stream: layers are re-openable, never one-shot.
 */
export interface Layer {
  /** The digest of the blob as distributed (the compressed bytes, for a compressed layer). */
  digest(): Promise<Digest>;
  /** The digest of the uncompressed tar (the DiffID in the image config). */
  diffId(): Promise<Digest>;
  /** The size in bytes of the blob as distributed. */
  size(): Promise<number>;
  mediaType(): Promise<string>;
  /** The blob as distributed (compressed for a compressed layer). */
  open(): Promise<Readable>;
  /** The uncompressed tar stream. */
  openUncompressed(): Promise<Readable>;
}

/**
 * An image as a read-only view: a manifest, its config and its layers, in order (base first).
 * Sources (store, registry, archives, layouts) implement it; sinks (store, registry, exporters)
 * consume it; validateImage() in this folder is the contract both sides pass.
 */
export interface Image {
  /** The manifest's exact bytes (its digest is the image digest). */
  rawManifest(): Promise<Uint8Array>;
  manifest(): Promise<ImageManifest>;
  /** The digest of rawManifest(). */
  digest(): Promise<Digest>;
  mediaType(): Promise<string>;
  rawConfig(): Promise<Uint8Array>;
  config(): Promise<ImageConfig>;
  layers(): Promise<readonly Layer[]>;
}
