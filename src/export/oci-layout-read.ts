import { BuildError, isBuildError } from '../errors/index.js';
import { MAX_MANIFEST_BYTES, parseManifest, resolveImage } from '../image/index.js';
import type { BlobReader, Image } from '../image/index.js';
import { digestAlgorithm, digestHex, isIndexType, isManifestType, parseReference, sha256Digest } from '../oci/index.js';
import type { Digest, Platform } from '../oci/index.js';
import type { ArchiveFiles } from './archive-files.js';
import { readArchiveFile } from './archive-files.js';
import type { ArchiveImage } from './archive-image.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
/** containerd's (and docker's, and BuildKit's) annotation for the full image name. */
export const IMAGE_NAME_ANNOTATION = 'io.containerd.image.name';

export function blobPath(digest: Digest): string {
  return `blobs/${digestAlgorithm(digest)}/${digestHex(digest)}`;
}

function invalid(label: string, problem: string): BuildError<'INVALID_ARCHIVE'> {
  return new BuildError('INVALID_ARCHIVE', `${label}: ${problem}`, { details: { source: label, problem } });
}

/**
 * The name an index.json entry gives its image: the containerd name annotation when present, else
 * `org.opencontainers.image.ref.name` when it is a whole reference (`app:1`, `host/app`); a bare
 * tag (`latest`) names no repository, so that image loads untagged, as docker does.
 */
export function layoutEntryName(annotations: Readonly<Record<string, string>> | undefined): string | undefined {
  const candidates = [annotations?.[IMAGE_NAME_ANNOTATION], annotations?.[REF_NAME_ANNOTATION]];
  for (const [i, candidate] of candidates.entries()) {
    if (candidate === undefined || candidate === '') continue;
    if (i === 1 && !/[:/]/.test(candidate)) continue;
    try {
      const ref = parseReference(candidate);
      if (ref.tag !== undefined) return ref.familiar;
    } catch {
      // not a reference: ignore this name
    }
  }
  return undefined;
}

/** Reads the images of an OCI image layout (directory or tar), choosing `platform` from indexes. */
export async function readOciLayout(files: ArchiveFiles, options: { readonly platform: Platform }): Promise<ArchiveImage[]> {
  const { label } = files;
  const layoutFile = parseJson(await readArchiveFile(files, 'oci-layout', 4096, 'an OCI layout needs'), label, 'oci-layout');
  if (typeof layoutFile['imageLayoutVersion'] !== 'string') throw invalid(label, 'oci-layout has no imageLayoutVersion');
  const rawIndex = await readArchiveFile(files, 'index.json', MAX_MANIFEST_BYTES, 'an OCI layout needs');
  const parsed = wrapImageErrors(label, () => parseManifest(rawIndex, { source: `${label}: index.json` }));
  if (parsed.kind !== 'index') throw invalid(label, 'index.json is not an image index');
  const reader: BlobReader = { openBlob: (digest) => files.open(blobPath(digest)) };
  const byDigest = new Map<string, { image: Image; tags: string[] }>();
  for (const entry of parsed.index.manifests) {
    if (!isManifestType(entry.mediaType) && !isIndexType(entry.mediaType)) continue;
    let found = byDigest.get(entry.digest);
    if (found === undefined) {
      const raw = await readArchiveFile(files, blobPath(entry.digest), MAX_MANIFEST_BYTES, 'index.json names');
      if (digestAlgorithm(entry.digest) === 'sha256' && sha256Digest(raw) !== entry.digest) {
        throw invalid(label, `manifest ${entry.digest} does not match its digest`);
      }
      const image = await wrapImageErrorsAsync(label, () =>
        resolveImage(raw, reader, { platform: options.platform, mediaType: entry.mediaType, source: `${label}: ${entry.digest}` }),
      );
      found = { image, tags: [] };
      byDigest.set(entry.digest, found);
    }
    const name = layoutEntryName(entry.annotations);
    if (name !== undefined && !found.tags.includes(name)) found.tags.push(name);
  }
  if (byDigest.size === 0) throw invalid(label, 'index.json lists no images');
  return [...byDigest.values()];
}

function parseJson(raw: Buffer, label: string, name: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw invalid(label, `${name} is not a JSON object`);
}

/** Image-level problems in an archive are the archive's problems: re-coded INVALID_ARCHIVE. */
function wrapImageErrors<T>(label: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw recode(label, err);
  }
}

async function wrapImageErrorsAsync<T>(label: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw recode(label, err);
  }
}

function recode(label: string, err: unknown): unknown {
  if (isBuildError(err) && err.code === 'INVALID_IMAGE') {
    return new BuildError('INVALID_ARCHIVE', err.message.startsWith(label) ? err.message : `${label}: ${err.message}`, {
      details: err.details,
      cause: err,
    });
  }
  return err;
}
