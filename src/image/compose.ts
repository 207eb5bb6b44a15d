import { sha256Digest } from '../oci/index.js';
import type { Descriptor, ImageConfig, ImageManifest, LayerCompression } from '../oci/index.js';
import { configMediaType, layerMediaType, manifestMediaType, requireLayerCompression } from './media-family.js';
import type { ManifestFormat } from './media-family.js';
import { once } from './streams.js';
import type { Image, Layer } from './types.js';

export interface ImageParts {
  /** The config, as an object (serialised compactly) or as exact bytes to keep. */
  readonly config: ImageConfig | Uint8Array;
  readonly layers: readonly Layer[];
  /** Media type family of the manifest and its descriptors (OCI unless asked). */
  readonly format?: ManifestFormat;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The bytes of a config object, as stagecraft writes them: compact JSON, keys in insertion order. */
export function serialiseConfig(config: ImageConfig): Uint8Array {
  return Buffer.from(JSON.stringify(config), 'utf8');
}

/** A layer seen under another media type (same bytes): how a manifest family renames its layers. */
function retypeLayer(layer: Layer, mediaType: string): Layer {
  return {
    digest: () => layer.digest(),
    diffId: () => layer.diffId(),
    size: () => layer.size(),
    mediaType: () => Promise.resolve(mediaType),
    open: () => layer.open(),
    openUncompressed: () => layer.openUncompressed(),
  };
}

/**
 * An Image assembled from a config and layers: the manifest is written (compact JSON) when first
 * asked for, from the layers' digests and sizes, with every media type in the chosen family.
 */
export function imageFromParts(parts: ImageParts): Image {
  const format = parts.format ?? 'oci';
  const rawConfig = parts.config instanceof Uint8Array ? parts.config : serialiseConfig(parts.config);
  const parsedConfig = parts.config instanceof Uint8Array ? undefined : parts.config;
  const config = once(() => Promise.resolve(parsedConfig ?? (JSON.parse(Buffer.from(rawConfig).toString('utf8')) as ImageConfig)));
  const layers = once(async (): Promise<readonly Layer[]> =>
    Promise.all(
      parts.layers.map(async (layer) => {
        const compression: LayerCompression = requireLayerCompression(await layer.mediaType());
        return retypeLayer(layer, layerMediaType(format, compression));
      }),
    ),
  );
  const manifest = once(async (): Promise<ImageManifest> => {
    const descriptors: Descriptor[] = [];
    for (const layer of await layers()) {
      descriptors.push({ mediaType: await layer.mediaType(), digest: await layer.digest(), size: await layer.size() });
    }
    return {
      schemaVersion: 2,
      mediaType: manifestMediaType(format),
      config: { mediaType: configMediaType(format), digest: sha256Digest(rawConfig), size: rawConfig.byteLength },
      layers: descriptors,
      ...(parts.annotations !== undefined ? { annotations: parts.annotations } : {}),
    };
  });
  const rawManifest = once(async () => Buffer.from(JSON.stringify(await manifest()), 'utf8') as Uint8Array);
  return {
    rawManifest,
    manifest,
    digest: async () => sha256Digest(await rawManifest()),
    mediaType: () => Promise.resolve(manifestMediaType(format)),
    rawConfig: () => Promise.resolve(rawConfig),
    config,
    layers,
  };
}
