import type { ImageConfig, Platform } from '../oci/index.js';
import { imageFromParts } from './compose.js';
import type { ManifestFormat } from './media-family.js';
import type { Image } from './types.js';

/**
 * The empty image (`FROM scratch`) for a platform: no layers, an empty container config. It is
 * deterministic: the same platform always gives the same digest.
 */
export function emptyImage(platform: Platform, options: { readonly format?: ManifestFormat } = {}): Image {
  const config: ImageConfig = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
    ...(platform['os.version'] !== undefined ? { 'os.version': platform['os.version'] } : {}),
    config: {},
    rootfs: { type: 'layers', diff_ids: [] },
  };
  return imageFromParts({ config, layers: [], ...(options.format !== undefined ? { format: options.format } : {}) });
}
