import { BuildError } from '../errors/index.js';
import { MediaType, layerCompression } from '../oci/index.js';
import type { LayerCompression } from '../oci/index.js';

/** Which family of media types a manifest and everything it points to belong to. */
export type ManifestFormat = 'oci' | 'docker';

/** Docker's media type for an uncompressed layer (not in the schema 2 text, but docker writes it). */
export const DOCKER_LAYER_UNCOMPRESSED = 'application/vnd.docker.image.rootfs.diff.tar';

/** The family of a manifest, index, config or layer media type; undefined when it is neither. */
export function mediaTypeFormat(mediaType: string): ManifestFormat | undefined {
  if (mediaType.startsWith('application/vnd.oci.')) return 'oci';
  if (mediaType.startsWith('application/vnd.docker.')) return 'docker';
  return undefined;
}

export function manifestMediaType(format: ManifestFormat): string {
  return format === 'oci' ? MediaType.ociManifest : MediaType.dockerManifest;
}

export function configMediaType(format: ManifestFormat): string {
  return format === 'oci' ? MediaType.ociConfig : MediaType.dockerConfig;
}

/** The layer media type of `format` for a blob compressed as `compression`. */
export function layerMediaType(format: ManifestFormat, compression: LayerCompression): string {
  if (format === 'oci') {
    return compression === 'none' ? MediaType.ociLayer : compression === 'gzip' ? MediaType.ociLayerGzip : MediaType.ociLayerZstd;
  }
  if (compression === 'zstd') {
    throw new BuildError('UNSUPPORTED_COMPRESSION', 'a Docker schema 2 manifest cannot carry zstd layers', {
      hint: 'keep the OCI format, or recompress the layers with gzip',
      details: { compression },
    });
  }
  return compression === 'none' ? DOCKER_LAYER_UNCOMPRESSED : MediaType.dockerLayerGzip;
}

/** How a layer of this media type is compressed; throws INVALID_IMAGE for a type that is no layer. */
export function requireLayerCompression(mediaType: string): LayerCompression {
  const compression = layerCompression(mediaType);
  if (compression === undefined) {
    throw new BuildError('INVALID_IMAGE', `unknown layer media type ${JSON.stringify(mediaType)}`, {
      details: { mediaType },
    });
  }
  return compression;
}
