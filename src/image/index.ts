export type { Image, Layer } from './types.js';
export { layerFromBlobs } from './layer-from-blobs.js';
export type { LayerBlobs } from './layer-from-blobs.js';
export { layerFromTarFile, layerFromOpener } from './layer-from-file.js';
export type { LayerFromTarOptions, LayerOutputCompression } from './layer-from-file.js';
export { imageFromBlobs, resolveImage, readSmallBlob } from './image-from-blobs.js';
export type { BlobReader, ImageFromBlobsOptions, ResolveOptions } from './image-from-blobs.js';
export { imageFromParts, serialiseConfig } from './compose.js';
export type { ImageParts } from './compose.js';
export { emptyImage } from './empty.js';
export {
  appendLayers,
  withConfig,
  toFormat,
  toDockerMediaTypes,
  toOciMediaTypes,
  recompressLayer,
  withLayerCompression,
  imageFormat,
} from './mutate.js';
export type { AppendOptions } from './mutate.js';
export { findImageProblems, validateImage } from './validate.js';
export type { ValidateOptions } from './validate.js';
export { parseManifest, parseConfig, MAX_MANIFEST_BYTES, MAX_CONFIG_BYTES } from './parse-manifest.js';
export type { ParsedManifest, ParseOptions } from './parse-manifest.js';
export { selectManifest } from './select-platform.js';
export { checkTarEntries, safeEntryPath } from './tar-safety.js';
export type { TarSafetyOptions, TarSummary } from './tar-safety.js';
export {
  detectCompression,
  decompress,
  decompressDetected,
  compress,
  unsupportedCompression,
  isCorruptDataError,
  MAGIC_LENGTH,
} from './compression.js';
export type { DetectedCompression } from './compression.js';
export { mediaTypeFormat, manifestMediaType, configMediaType, layerMediaType, DOCKER_LAYER_UNCOMPRESSED } from './media-family.js';
export type { ManifestFormat } from './media-family.js';
export { DigestingStream, digestOf, peekStream, readAll, discard } from './streams.js';
