export { isDigest, toDigest, digestAlgorithm, digestHex, sha256Digest, shortId } from './digest.js';
export type { Digest } from './digest.js';
export { MediaType, layerCompression, isManifestType, isIndexType } from './media-types.js';
export type { KnownMediaType, LayerCompression } from './media-types.js';
export { hostPlatform, formatPlatform, parsePlatform, platformMatches } from './platform.js';
export type { Platform } from './platform.js';
export type {
  Descriptor,
  ImageManifest,
  ImageIndex,
  ContainerConfig,
  HealthConfig,
  HistoryEntry,
  ImageConfig,
} from './manifest.js';
export { parseReference, makeReference, isValidTag, DEFAULT_REGISTRY, DEFAULT_TAG } from './reference.js';
export type { ImageReference, ParseReferenceOptions } from './reference.js';
