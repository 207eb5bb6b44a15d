import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { layerFromBlobs } from '../image/index.js';
import type { Layer } from '../image/index.js';
import { MediaType } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import type { Lease, Store } from '../store/index.js';
import { writeTar } from '../tar/index.js';
import { directoryLayerEntries } from './directory-layer.js';
import { layerFsDir } from './layout.js';
import { isDirectory, makeLayerTemp, publishLayerDir } from './unpack-layer.js';
import type { XattrTable } from './xattrs.js';

export interface CommitOptions {
  /**
   * Keeps the new layer blob from prune until the caller references it (an image, a cache entry):
   * without one, a prune running before that may remove the blob.
   */
  readonly lease?: Lease;
  /** Clamp every mtime in the layer to at most this (SOURCE_DATE_EPOCH, seconds). */
  readonly clampMtime?: number;
  /**
   * Keep the diff directory as the unpacked form of the new layer (`snapshots/layers/<hex>/fs`),
   * so the next step stacks it without unpacking the tar again. Default true.
   */
  readonly keepUnpacked?: boolean;
  readonly signal?: AbortSignal;
  /** The diff directory's xattrs, when the caller already started reading them. */
  readonly xattrs?: Promise<XattrTable>;
}

export interface CommitResult {
  /** The digest of the uncompressed layer tar: its DiffID and, as stored, its blob digest. */
  readonly diffId: Digest;
  readonly size: number;
  /** A view over the stored blob (media type application/vnd.oci.image.layer.v1.tar). */
  readonly layer: Layer;
  /** The unpacked layer in the cache, ready as a lowerdir (unless keepUnpacked was false). */
  readonly dir: string | undefined;
}

/** A Layer view over an uncompressed layer blob in the store. */
export function storedLayer(store: Store, digest: Digest, size: number): Layer {
  return layerFromBlobs({
    mediaType: MediaType.ociLayer,
    open: () => store.openBlob(digest),
    digest,
    size,
    diffId: digest,
    source: `layer ${digest}`,
  });
}

/**
 * Writes a diff directory in overlayfs form (an upperdir: 0/0 devices for deletions, the
 * trusted.overlay.opaque xattr for replaced directories) into the store as an uncompressed OCI
 * layer with `.wh.` whiteouts, in directoryLayerEntries' deterministic order, hashed on the way.
 * Then moves the directory into the layer cache (it is already in the cache's form). An empty
 * directory is no layer: undefined.
 */
export async function commitDiffDir(store: Store, diffDir: string, options: CommitOptions = {}): Promise<CommitResult | undefined> {
  if ((await readdir(diffDir)).length === 0) return undefined;
  const { signal, lease, clampMtime } = options;
  const entries = directoryLayerEntries(diffDir, {
    mode: 'overlay-diff',
    ...(options.xattrs !== undefined ? { xattrs: options.xattrs } : {}),
    ...(clampMtime !== undefined ? { clampMtime } : {}),
    ...(signal !== undefined ? { signal } : {}),
  });
  const { digest, size } = await store.writeBlob(Readable.from(writeTar(entries)), {
    ...(lease !== undefined ? { lease } : {}),
    ...(signal !== undefined ? { signal } : {}),
  });
  let dir: string | undefined;
  if (options.keepUnpacked ?? true) {
    dir = layerFsDir(store.root, digest);
    if (!(await isDirectory(dir))) {
      const temp = await makeLayerTemp(store.root, digest);
      await rename(diffDir, join(temp, 'fs'));
      dir = await publishLayerDir(store.root, digest, temp);
    }
  }
  return { diffId: digest, size, layer: storedLayer(store, digest, size), dir };
}
