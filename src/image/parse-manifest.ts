import { BuildError } from '../errors/index.js';
import { MediaType, isDigest, isIndexType, isManifestType } from '../oci/index.js';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest } from '../oci/index.js';

/** A manifest document once parsed: an image manifest, or an index / manifest list. */
export type ParsedManifest =
  | { readonly kind: 'manifest'; readonly mediaType: string; readonly manifest: ImageManifest }
  | { readonly kind: 'index'; readonly mediaType: string; readonly index: ImageIndex };

export interface ParseOptions {
  /** Names the document in errors (a file, a digest, an archive entry). */
  readonly source?: string;
  /** The media type the pointing descriptor (or HTTP Content-Type) gave, if any. */
  readonly mediaType?: string;
}

/** Manifests, indexes and configs beyond this size are refused: no honest one comes close. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

function invalid(source: string, problem: string, hint?: string): BuildError<'INVALID_IMAGE'> {
  return new BuildError('INVALID_IMAGE', `${source}: ${problem}`, {
    details: { source, problem },
    ...(hint !== undefined ? { hint } : {}),
  });
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses JSON bytes into an object, or throws INVALID_IMAGE naming `source` and `what`. */
export function parseJsonObject(raw: Uint8Array, source: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch (err) {
    throw invalid(source, `${what} is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(value)) throw invalid(source, `${what} is not a JSON object`);
  return value;
}

/** Checks one descriptor's shape; `where` says which (for the message). */
export function checkDescriptor(value: unknown, source: string, where: string): Descriptor {
  if (!isObject(value)) throw invalid(source, `${where} is not an object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid(source, `${where} has no mediaType`);
  if (typeof digest !== 'string' || !isDigest(digest)) throw invalid(source, `${where} has an invalid digest ${JSON.stringify(digest)}`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw invalid(source, `${where} has an invalid size ${JSON.stringify(size)}`);
  }
  if (value['platform'] !== undefined) {
    const platform = value['platform'];
    if (!isObject(platform) || typeof platform['os'] !== 'string' || typeof platform['architecture'] !== 'string') {
      throw invalid(source, `${where} has an invalid platform`);
    }
  }
  return value as unknown as Descriptor;
}

/**
 * Parses an OCI image manifest, OCI index, Docker schema 2 manifest or Docker manifest list.
 * Without a mediaType field (allowed by OCI) the document's shape decides. Throws INVALID_IMAGE.
 */
export function parseManifest(raw: Uint8Array, options: ParseOptions = {}): ParsedManifest {
  const source = options.source ?? 'manifest';
  if (raw.byteLength > MAX_MANIFEST_BYTES) throw invalid(source, `manifest is larger than ${MAX_MANIFEST_BYTES} bytes`);
  const doc = parseJsonObject(raw, source, 'manifest');
  if (doc['schemaVersion'] === 1) {
    throw invalid(source, 'Docker schema 1 manifests are not supported', 'pull or save the image again with a current tool');
  }
  if (doc['schemaVersion'] !== 2) throw invalid(source, `unsupported schemaVersion ${JSON.stringify(doc['schemaVersion'])}`);
  const declared = doc['mediaType'];
  if (declared !== undefined && typeof declared !== 'string') throw invalid(source, 'mediaType is not a string');
  if (declared !== undefined && options.mediaType !== undefined && declared !== options.mediaType) {
    throw invalid(source, `mediaType ${declared} differs from the descriptor's ${options.mediaType}`);
  }
  const mediaType = declared ?? options.mediaType;
  const isIndex = mediaType !== undefined ? isIndexType(mediaType) : Array.isArray(doc['manifests']);
  if (mediaType !== undefined && !isIndex && !isManifestType(mediaType)) {
    throw invalid(source, `${mediaType} is not an image manifest or index media type`);
  }
  if (isIndex) {
    const manifests = doc['manifests'];
    if (!Array.isArray(manifests)) throw invalid(source, 'index has no manifests array');
    manifests.forEach((entry, i) => checkDescriptor(entry, source, `manifests[${i}]`));
    return { kind: 'index', mediaType: mediaType ?? MediaType.ociIndex, index: doc as unknown as ImageIndex };
  }
  checkDescriptor(doc['config'], source, 'config');
  const layers = doc['layers'];
  if (!Array.isArray(layers)) throw invalid(source, 'manifest has no layers array');
  layers.forEach((entry, i) => checkDescriptor(entry, source, `layers[${i}]`));
  return { kind: 'manifest', mediaType: mediaType ?? MediaType.ociManifest, manifest: doc as unknown as ImageManifest };
}

/** Parses an image config and checks the parts stagecraft relies on. Throws INVALID_IMAGE. */
export function parseConfig(raw: Uint8Array, options: { readonly source?: string } = {}): ImageConfig {
  const source = options.source ?? 'config';
  if (raw.byteLength > MAX_CONFIG_BYTES) throw invalid(source, `config is larger than ${MAX_CONFIG_BYTES} bytes`);
  const doc = parseJsonObject(raw, source, 'config');
  if (typeof doc['architecture'] !== 'string') throw invalid(source, 'config has no architecture');
  if (typeof doc['os'] !== 'string') throw invalid(source, 'config has no os');
  const rootfs = doc['rootfs'];
  if (!isObject(rootfs) || rootfs['type'] !== 'layers') throw invalid(source, 'config rootfs.type is not "layers"');
  // An image without layers may leave diff_ids out (docker does for an empty image).
  const diffIds: unknown = rootfs['diff_ids'] ?? [];
  if (!Array.isArray(diffIds)) throw invalid(source, 'config rootfs.diff_ids is not a list');
  diffIds.forEach((id: unknown, i) => {
    if (typeof id !== 'string' || !isDigest(id)) throw invalid(source, `rootfs.diff_ids[${i}] is not a digest`);
  });
  const history = doc['history'];
  if (history !== undefined && history !== null && (!Array.isArray(history) || !history.every(isObject))) {
    throw invalid(source, 'config history is not a list of objects');
  }
  if (doc['config'] !== undefined && doc['config'] !== null && !isObject(doc['config'])) throw invalid(source, 'config.config is not an object');
  const normalised: Record<string, unknown> = { ...doc, rootfs: { ...rootfs, type: 'layers', diff_ids: diffIds } };
  if (!Array.isArray(history)) delete normalised['history'];
  return normalised as unknown as ImageConfig;
}
