import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BuildError, isBuildError } from '../errors/index.js';
import { layerCompression, sha256Digest } from '../oci/index.js';
import type { Descriptor, ImageConfig, ImageManifest } from '../oci/index.js';
import { decompress, isCorruptDataError } from './compression.js';
import { pipelineTo } from './layer-from-blobs.js';
import { mediaTypeFormat } from './media-family.js';
import { parseConfig, parseManifest } from './parse-manifest.js';
import { DigestingStream, discard } from './streams.js';
import { checkTarEntries } from './tar-safety.js';
import type { Image, Layer } from './types.js';

export interface ValidateOptions {
  /**
   * `metadata` (the default) compares what the views claim; `content` also streams every layer
   * and recomputes its digest, size and DiffID (one pass per layer, flat memory).
   */
  readonly depth?: 'metadata' | 'content';
  /** With `content`: also refuse layer entries that could escape the root (see checkTarEntries). */
  readonly checkEntries?: boolean;
  /** Names the image in messages. */
  readonly source?: string;
  readonly signal?: AbortSignal;
}

function checkMediaTypes(manifestType: string, manifest: ImageManifest, problems: string[]): void {
  const family = mediaTypeFormat(manifestType);
  if (family === undefined) {
    problems.push(`manifest media type ${manifestType} is neither OCI nor Docker`);
    return;
  }
  if (mediaTypeFormat(manifest.config.mediaType) !== family) {
    problems.push(`config media type ${manifest.config.mediaType} does not belong with a ${family} manifest`);
  }
  manifest.layers.forEach((layer, i) => {
    if (layerCompression(layer.mediaType) === undefined) problems.push(`layer ${i}: ${layer.mediaType} is not a layer media type`);
    else if (mediaTypeFormat(layer.mediaType) !== family) problems.push(`layer ${i}: ${layer.mediaType} does not belong with a ${family} manifest`);
  });
}

function checkHistory(config: ImageConfig, layerCount: number, problems: string[]): void {
  const history = config.history ?? [];
  if (history.length === 0) return;
  const nonEmpty = history.filter((h) => h.empty_layer !== true).length;
  if (nonEmpty !== layerCount) problems.push(`history has ${nonEmpty} entries that add a layer, but the image has ${layerCount} layers`);
}

/** Streams one layer once, recomputing digest, size and DiffID (and checking entries if asked). */
async function checkLayerContent(layer: Layer, want: Descriptor, diffId: string | undefined, label: string, options: ValidateOptions, problems: string[]): Promise<void> {
  const compression = layerCompression(want.mediaType);
  if (compression === undefined) return;
  const blobHash = new DigestingStream();
  const diffHash = compression === 'none' ? blobHash : new DigestingStream();
  const signal = options.signal ? { signal: options.signal } : {};
  try {
    const blob = await layer.open();
    const tar: Readable = compression === 'none' ? pipelineTo(blob, blobHash) : pipelineTo(decompress(pipelineTo(blob, blobHash), compression, label), diffHash);
    if (options.checkEntries === true) await checkTarEntries(tar, { source: options.source !== undefined ? `${options.source}: ${label}` : label, ...signal });
    else await pipeline(tar, discard(), signal);
  } catch (err) {
    if (isBuildError(err) && err.code !== 'INVALID_IMAGE') throw err;
    if ((err as Error).name === 'AbortError') throw err;
    problems.push(`${label}: cannot be read (${isCorruptDataError(err) ? 'corrupt compressed data: ' : ''}${(err as Error).message})`);
    return;
  }
  if (blobHash.digest() !== want.digest) problems.push(`${label}: content digest is ${blobHash.digest()}, the manifest says ${want.digest}`);
  if (blobHash.size !== want.size) problems.push(`${label}: content is ${blobHash.size} bytes, the manifest says ${want.size}`);
  if (diffId !== undefined && diffHash.digest() !== diffId) problems.push(`${label}: uncompressed digest is ${diffHash.digest()}, the config's diff_id is ${diffId}`);
}

/**
 * Every way `image` fails the image contract, as sentences (empty when it passes): the manifest
 * parses and its digest is its bytes' digest; the config matches its descriptor and parses; each
 * layer's digest, size, media type and DiffID agree with the manifest and rootfs.diff_ids;
 * history counts one non-empty entry per layer; media types are all OCI or all Docker.
 */
export async function findImageProblems(image: Image, options: ValidateOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  const rawManifest = await image.rawManifest();
  const parsed = parseManifest(rawManifest);
  if (parsed.kind !== 'manifest') return ['the manifest is an index, not an image manifest'];
  const manifest = parsed.manifest;
  const digest = await image.digest();
  if (digest !== sha256Digest(rawManifest)) problems.push(`image digest ${digest} is not the digest of its manifest bytes (${sha256Digest(rawManifest)})`);
  const mediaType = await image.mediaType();
  if (manifest.mediaType !== undefined && manifest.mediaType !== mediaType) problems.push(`media type ${mediaType} differs from the manifest's ${manifest.mediaType}`);
  checkMediaTypes(mediaType, manifest, problems);

  const rawConfig = await image.rawConfig();
  if (sha256Digest(rawConfig) !== manifest.config.digest) problems.push(`config digest is ${sha256Digest(rawConfig)}, the manifest says ${manifest.config.digest}`);
  if (rawConfig.byteLength !== manifest.config.size) problems.push(`config is ${rawConfig.byteLength} bytes, the manifest says ${manifest.config.size}`);
  let config: ImageConfig;
  try {
    config = parseConfig(rawConfig);
  } catch (err) {
    if (!isBuildError(err)) throw err;
    problems.push(err.message);
    return problems;
  }
  const diffIds = config.rootfs.diff_ids;
  const layers = await image.layers();
  if (layers.length !== manifest.layers.length) problems.push(`the image has ${layers.length} layers, the manifest lists ${manifest.layers.length}`);
  if (diffIds.length !== manifest.layers.length) problems.push(`the config lists ${diffIds.length} diff_ids for ${manifest.layers.length} layers`);
  checkHistory(config, manifest.layers.length, problems);

  for (const [i, layer] of layers.entries()) {
    const want = manifest.layers[i];
    if (want === undefined) break;
    const label = `layer ${i} (${want.digest})`;
    let claims: [string, number, string, string];
    try {
      claims = await Promise.all([layer.digest(), layer.size(), layer.mediaType(), layer.diffId()]);
    } catch (err) {
      if (!isBuildError(err) || err.code !== 'INVALID_IMAGE') throw err;
      problems.push(`${label}: ${err.message}`);
      continue;
    }
    const [ld, ls, lm, lid] = claims;
    if (ld !== want.digest) problems.push(`${label}: the layer says its digest is ${ld}`);
    if (ls !== want.size) problems.push(`${label}: the layer says its size is ${ls}, the manifest ${want.size}`);
    if (lm !== want.mediaType) problems.push(`${label}: the layer says its media type is ${lm}, the manifest ${want.mediaType}`);
    if (diffIds[i] !== undefined && lid !== diffIds[i]) problems.push(`${label}: DiffID ${lid} differs from the config's ${String(diffIds[i])}`);
    if (options.depth === 'content') await checkLayerContent(layer, want, diffIds[i], label, options, problems);
  }
  return problems;
}

/**
 * Throws INVALID_IMAGE listing every problem findImageProblems() finds; returns quietly when the
 * image passes. Every image source and sink runs this contract.
 */
export async function validateImage(image: Image, options: ValidateOptions = {}): Promise<void> {
  let problems: string[];
  try {
    problems = await findImageProblems(image, options);
  } catch (err) {
    if (isBuildError(err) && err.code === 'INVALID_IMAGE' && options.source !== undefined) {
      throw new BuildError('INVALID_IMAGE', `${options.source}: ${err.message}`, { details: err.details, cause: err });
    }
    throw err;
  }
  if (problems.length === 0) return;
  const where = options.source !== undefined ? `${options.source}: ` : '';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new BuildError('INVALID_IMAGE', `${where}invalid image: ${problems[0] ?? ''}${more}`, {
    ...(problems.length > 1 ? { hint: problems.map((p) => `- ${p}`).join('\n') } : {}),
    details: { problems },
  });
}
