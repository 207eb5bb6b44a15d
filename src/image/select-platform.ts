import { BuildError } from '../errors/index.js';
import { formatPlatform, isIndexType, isManifestType, platformMatches } from '../oci/index.js';
import type { Descriptor, ImageIndex, Platform } from '../oci/index.js';

const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';

/** Whether an index entry is an image (or nested index) rather than an attestation or artifact. */
function isImageEntry(entry: Descriptor): boolean {
  if (!isManifestType(entry.mediaType) && !isIndexType(entry.mediaType)) return false;
  return entry.annotations?.[REFERENCE_TYPE_ANNOTATION] === undefined;
}

/**
 * The entry of an index (or manifest list) to use on `platform`: the first one whose platform
 * matches, as the index order is the publisher's preference. An index whose only image entry has
 * no platform at all gives that entry. Throws NO_MATCHING_PLATFORM listing what there is.
 */
export function selectManifest(index: ImageIndex, platform: Platform, options: { readonly source?: string } = {}): Descriptor {
  const entries = index.manifests.filter(isImageEntry);
  const exact = entries.find((e) => platformMatches(e.platform, platform) && e.platform?.variant === platform.variant);
  const match = exact ?? entries.find((e) => platformMatches(e.platform, platform));
  if (match !== undefined) return match;
  const [only] = entries;
  if (entries.length === 1 && only !== undefined && only.platform === undefined) return only;
  const available = entries.flatMap((e) => (e.platform !== undefined ? [formatPlatform(e.platform)] : []));
  const source = options.source ?? 'image index';
  return noMatch(source, platform, available);
}

function noMatch(source: string, platform: Platform, available: readonly string[]): never {
  const wanted = formatPlatform(platform);
  throw new BuildError('NO_MATCHING_PLATFORM', `${source} has no image for ${wanted}`, {
    hint: available.length > 0 ? `it has: ${available.join(', ')} (choose one with --platform)` : 'it lists no platforms',
    details: { source, platform: wanted, available },
  });
}
