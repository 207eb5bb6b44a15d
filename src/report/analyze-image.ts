import type { Image } from '../image/index.js';
import type { ImageConfig } from '../oci/index.js';
import type { Store } from '../store/index.js';
import { adviseImage } from './advice.js';
import type { Advice, BaseInfo, DockerfileFacts, SlimVariant } from './advice-types.js';
import { findBaseImage, findSlimVariant } from './base-image.js';
import { readImageFileSystem } from './filesystem.js';
import type { ImageFileSystem } from './types.js';

export interface AnalyzeOptions {
  /** Work out advice (hashes every file, looks up the base and its slim variant in the store). */
  readonly advice?: boolean;
  readonly dockerfile?: DockerfileFacts;
  /** Smallest saving advised (default 100 kB). */
  readonly minBytes?: number;
  readonly signal?: AbortSignal;
}

/** A reference in the store, or an image (with the name to show) that need not be in it. */
export type ImageSource = string | { readonly name: string; readonly image: Image };

export interface AnalyzedImage {
  readonly name: string;
  readonly fs: ImageFileSystem;
  readonly config: ImageConfig;
  readonly base?: BaseInfo;
  readonly slim?: SlimVariant;
  /** Present when advice was asked for. */
  readonly advice?: readonly Advice[];
}

/**
 * Reads an image into the report's model and, on request, advises on it (the base and its slim
 * variant are looked up in the store): the whole pipeline behind `du`, `compare` and `report`.
 */
export async function analyzeImage(store: Store, source: ImageSource, options: AnalyzeOptions = {}): Promise<AnalyzedImage> {
  const ref = typeof source === 'string' ? source : source.name;
  const image = typeof source === 'string' ? await store.getImage(source) : source.image;
  const signal = options.signal !== undefined ? { signal: options.signal } : {};
  const [config, fs] = await Promise.all([image.config(), readImageFileSystem(image, { hash: options.advice === true, ...signal })]);
  if (options.advice !== true) return { name: ref, fs, config };
  const named = options.dockerfile?.finalBase;
  const base = await findBaseImage(store, image, named !== undefined ? { named } : {});
  let slim: SlimVariant | undefined;
  if (base !== undefined) {
    const variant = await findSlimVariant(store, base.name);
    if (variant !== undefined) slim = { name: variant.name, totalBytes: (await readImageFileSystem(variant.image, signal)).totalBytes };
  }
  const workingDir = config.config?.WorkingDir;
  const advice = adviseImage({
    fs,
    ...(workingDir !== undefined && workingDir !== '' ? { workingDir } : {}),
    ...(base !== undefined ? { base } : {}),
    ...(slim !== undefined ? { slim } : {}),
    ...(options.dockerfile !== undefined ? { dockerfile: options.dockerfile } : {}),
    ...(options.minBytes !== undefined ? { minBytes: options.minBytes } : {}),
  });
  return { name: ref, fs, config, ...(base !== undefined ? { base } : {}), ...(slim !== undefined ? { slim } : {}), advice };
}
