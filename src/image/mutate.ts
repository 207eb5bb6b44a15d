import { BuildError } from '../errors/index.js';
import type { Digest, HistoryEntry, ImageConfig, LayerCompression } from '../oci/index.js';
import { imageFromParts } from './compose.js';
import { layerFromOpener } from './layer-from-file.js';
import { mediaTypeFormat, requireLayerCompression } from './media-family.js';
import type { ManifestFormat } from './media-family.js';
import { once } from './streams.js';
import type { Image, Layer } from './types.js';

/** The manifest family of an existing image (OCI unless its manifest says Docker). */
export async function imageFormat(image: Image): Promise<ManifestFormat> {
  return mediaTypeFormat(await image.mediaType()) ?? 'oci';
}

/**
 * A lazy Image whose every accessor waits for `build` (run once): mutations are synchronous to
 * call and do their reading only when the result is used.
 */
function deferredImage(build: () => Promise<Image>): Image {
  const image = once(build);
  return {
    rawManifest: async () => (await image()).rawManifest(),
    manifest: async () => (await image()).manifest(),
    digest: async () => (await image()).digest(),
    mediaType: async () => (await image()).mediaType(),
    rawConfig: async () => (await image()).rawConfig(),
    config: async () => (await image()).config(),
    layers: async () => (await image()).layers(),
  };
}

export interface AppendOptions {
  /** One history entry per appended layer (empty entries when left out). */
  readonly history?: readonly HistoryEntry[];
}

/**
 * `image` with `layers` on top: the config's diff_ids and history grow with them. A base image
 * without history gets empty entries for its layers first, so the history stays consistent.
 */
export function appendLayers(image: Image, layers: readonly Layer[], options: AppendOptions = {}): Image {
  const history = options.history;
  if (history !== undefined && history.length !== layers.length) {
    throw new RangeError(`appendLayers: ${history.length} history entries for ${layers.length} layers`);
  }
  return deferredImage(async () => {
    const [config, base, format] = await Promise.all([image.config(), image.layers(), imageFormat(image)]);
    const diffIds: Digest[] = [...config.rootfs.diff_ids];
    for (const layer of layers) diffIds.push(await layer.diffId());
    const baseHistory = config.history ?? [];
    const keptHistory: HistoryEntry[] = baseHistory.length === 0 ? base.map(() => ({})) : [...baseHistory];
    const added = history ?? layers.map(() => ({}));
    const next: ImageConfig = { ...config, rootfs: { type: 'layers', diff_ids: diffIds }, history: [...keptHistory, ...added] };
    return imageFromParts({ config: next, layers: [...base, ...layers], format });
  });
}

/** `image` with its config replaced by what `edit` returns (layers unchanged). */
export function withConfig(image: Image, edit: (config: ImageConfig) => ImageConfig): Image {
  return deferredImage(async () => {
    const [config, layers, format] = await Promise.all([image.config(), image.layers(), imageFormat(image)]);
    return imageFromParts({ config: edit(config), layers, format });
  });
}

/** `image` in another media type family; the same image when it is already in it. */
export function toFormat(image: Image, format: ManifestFormat): Image {
  return deferredImage(async () => {
    if ((await imageFormat(image)) === format) return image;
    const [rawConfig, layers] = await Promise.all([image.rawConfig(), image.layers()]);
    return imageFromParts({ config: rawConfig, layers, format });
  });
}

/** `image` described with Docker schema 2 media types (same config bytes, same layer blobs). */
export function toDockerMediaTypes(image: Image): Image {
  return toFormat(image, 'docker');
}

/** `image` described with OCI media types (same config bytes, same layer blobs). */
export function toOciMediaTypes(image: Image): Image {
  return toFormat(image, 'oci');
}

/** A layer whose blob is the same tar compressed as asked (itself when it already is). */
export function recompressLayer(layer: Layer, compression: LayerCompression): Layer {
  const inner = once(async (): Promise<Layer> => {
    if (requireLayerCompression(await layer.mediaType()) === compression) return layer;
    const diffId = await layer.diffId();
    return layerFromOpener(() => layer.openUncompressed(), { compression, diffId, rawCompression: 'none', source: `layer ${diffId}` });
  });
  return {
    digest: async () => (await inner()).digest(),
    diffId: () => layer.diffId(),
    size: async () => (await inner()).size(),
    mediaType: async () => (await inner()).mediaType(),
    open: async () => (await inner()).open(),
    openUncompressed: () => layer.openUncompressed(),
  };
}

/** `image` with every layer compressed as asked (gzip for a registry, none for docker load). */
export function withLayerCompression(image: Image, compression: LayerCompression): Image {
  if (compression === 'zstd') {
    throw new BuildError('UNSUPPORTED_COMPRESSION', 'cannot write zstd layers yet', { hint: 'use gzip or no compression' });
  }
  return deferredImage(async () => {
    const [rawConfig, layers, format] = await Promise.all([image.rawConfig(), image.layers(), imageFormat(image)]);
    return imageFromParts({ config: rawConfig, layers: layers.map((l) => recompressLayer(l, compression)), format });
  });
}
