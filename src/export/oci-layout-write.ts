import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BuildError, isBuildError } from '../errors/index.js';
import { withLayerCompression } from '../image/index.js';
import { MediaType, digestAlgorithm, parseReference } from '../oci/index.js';
import type { Descriptor, ImageIndex, LayerCompression } from '../oci/index.js';
import type { ArchiveImage } from './archive-image.js';
import { collectImageBlobs } from './collect-blobs.js';
import type { BlobToWrite } from './collect-blobs.js';
import { IMAGE_NAME_ANNOTATION, REF_NAME_ANNOTATION, blobPath } from './oci-layout-read.js';
import { writeTarOutput } from './tar-output.js';

export interface WriteOciLayoutOptions {
  /** A directory layout, or a tar of one (the `oci-archive:` form). Default `tar`. */
  readonly format?: 'dir' | 'tar';
  /** Recompress layers on the way out; `keep` (the default) writes them as they are. */
  readonly layerCompression?: LayerCompression | 'keep';
  readonly signal?: AbortSignal;
}

const LAYOUT_FILE = JSON.stringify({ imageLayoutVersion: '1.0.0' });

/** index.json entries for one image: one per tag (tag in ref.name, full name for containerd). */
function indexEntries(descriptor: Descriptor, tags: readonly string[]): Descriptor[] {
  if (tags.length === 0) return [descriptor];
  return tags.map((tag) => {
    const ref = parseReference(tag);
    return {
      ...descriptor,
      annotations: { [IMAGE_NAME_ANNOTATION]: ref.toString(), ...(ref.tag !== undefined ? { [REF_NAME_ANNOTATION]: ref.tag } : {}) },
    };
  });
}

/**
 * Writes images as an OCI image layout: `oci-layout`, `index.json` (one entry per tag, the tag in
 * `org.opencontainers.image.ref.name` and the full name in `io.containerd.image.name`, as
 * containerd and BuildKit write them) and `blobs/sha256/…`. As a tar (what `skopeo copy
 * oci-archive:` and `umoci` read once unpacked) or a directory, into which a second save merges.
 * Every image passes validateImage first, and every blob is checked against its digest as it
 * streams; a failure leaves no partial tar behind.
 */
export async function writeOciLayout(images: readonly ArchiveImage[], dest: string | Writable, options: WriteOciLayoutOptions = {}): Promise<ImageIndex> {
  const blobs = new Map<string, BlobToWrite>();
  const manifests: Descriptor[] = [];
  for (const [i, entry] of images.entries()) {
    const image = options.layerCompression !== undefined && options.layerCompression !== 'keep' ? withLayerCompression(entry.image, options.layerCompression) : entry.image;
    const collected = await collectImageBlobs(image, blobs, entry.tags[0] ?? `image ${i}`);
    manifests.push(...indexEntries({ mediaType: collected.mediaType, digest: collected.digest, size: collected.manifestSize }, entry.tags));
  }
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests };
  if ((options.format ?? 'tar') === 'tar') {
    await writeTarOutput(
      dest,
      async (out) => {
        await out.addFile('oci-layout', Buffer.from(LAYOUT_FILE), LAYOUT_FILE.length);
        const indexBytes = Buffer.from(JSON.stringify(index));
        await out.addFile('index.json', indexBytes, indexBytes.length);
        await out.addDirectory('blobs');
        for (const algorithm of new Set([...blobs.values()].map((b) => digestAlgorithm(b.digest)))) await out.addDirectory(`blobs/${algorithm}`);
        for (const blob of blobs.values()) await out.addFile(blobPath(blob.digest), await blob.open(), blob.size);
      },
      options.signal ? { signal: options.signal } : {},
    );
    return index;
  }
  if (typeof dest !== 'string') throw new TypeError('writeOciLayout: a directory layout needs a path');
  return writeLayoutDirectory(dest, blobs, manifests, options.signal);
}

function exportFailed(dest: string, problem: string, cause?: unknown): BuildError<'EXPORT_FAILED'> {
  return new BuildError('EXPORT_FAILED', `cannot write ${dest}: ${problem}`, { details: { dest }, ...(cause !== undefined ? { cause } : {}) });
}

async function writeLayoutDirectory(dest: string, blobs: ReadonlyMap<string, BlobToWrite>, manifests: readonly Descriptor[], signal: AbortSignal | undefined): Promise<ImageIndex> {
  try {
    await mkdir(dest, { recursive: true });
    const existing = await readdir(dest);
    let previous: Descriptor[] = [];
    if (existing.includes('index.json')) {
      const old = JSON.parse(await readFile(join(dest, 'index.json'), 'utf8')) as Partial<ImageIndex>;
      previous = [...(old.manifests ?? [])];
    } else if (existing.length > 0) {
      throw exportFailed(dest, 'the directory is not empty and holds no OCI layout', undefined);
    }
    await writeFile(join(dest, 'oci-layout'), LAYOUT_FILE);
    for (const blob of blobs.values()) {
      const path = join(dest, blobPath(blob.digest));
      const have = await stat(path).catch(() => undefined);
      if (have?.size === blob.size) continue;
      await mkdir(join(path, '..'), { recursive: true });
      const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
      try {
        await pipeline(await blob.open(), createWriteStream(temp, { flags: 'wx' }), signal ? { signal } : {});
        await rename(temp, path);
      } finally {
        await rm(temp, { force: true });
      }
    }
    // An entry of ours replaces an earlier one with the same tag (and the same full name, when
    // the earlier one has one); an untagged image replaces its own untagged entry.
    const replaces = (mine: Descriptor, old: Descriptor): boolean => {
      const [myTag, oldTag] = [mine.annotations?.[REF_NAME_ANNOTATION], old.annotations?.[REF_NAME_ANNOTATION]];
      if (myTag === undefined || oldTag === undefined) return myTag === oldTag && mine.digest === old.digest;
      const oldName = old.annotations?.[IMAGE_NAME_ANNOTATION];
      return myTag === oldTag && (oldName === undefined || oldName === mine.annotations?.[IMAGE_NAME_ANNOTATION]);
    };
    const kept = previous.filter((old) => !manifests.some((mine) => replaces(mine, old)));
    const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [...kept, ...manifests] };
    const temp = join(dest, `.index.json.tmp-${randomBytes(6).toString('hex')}`);
    await writeFile(temp, JSON.stringify(index));
    await rename(temp, join(dest, 'index.json'));
    return index;
  } catch (err) {
    if (isBuildError(err) || (err as Error).name === 'AbortError') throw err;
    if (err instanceof SyntaxError) throw exportFailed(dest, 'its index.json is not valid JSON', err);
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw exportFailed(dest, code, err);
    throw err;
  }
}
