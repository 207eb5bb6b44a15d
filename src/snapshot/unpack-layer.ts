import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { DigestingStream } from '../image/index.js';
import type { Layer } from '../image/index.js';
import { digestAlgorithm } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import type { Store } from '../store/index.js';
import { extractLayerTar } from './extract-layer.js';
import { layerDir, layerFsDir, layersDir, TEMP_MARKER } from './layout.js';
import { spreadSnapshotDirs } from './spread-dirs.js';
import { ownedName } from './process-owner.js';

export interface UnpackLayerOptions {
  readonly signal?: AbortSignal;
}

/** Unpacks of this process in progress, by store root and DiffID: asking twice waits for one. */
const inFlight = new Map<string, Promise<string>>();

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function isErrnoCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/**
 * Moves a finished tree into the layer cache as `snapshots/layers/<hex>/fs`. `temp` is a
 * directory beside the final one holding the tree as `temp/fs`; renaming `temp` is atomic, so the
 * cache holds a whole layer or none. If another process got there first, its copy is kept and ours
 * removed: both callers get the same (identical) tree.
 */
export async function publishLayerDir(root: string, diffId: Digest, temp: string): Promise<string> {
  const final = layerDir(root, diffId);
  try {
    await rename(temp, final);
  } catch (err) {
    if (!isErrnoCode(err, 'ENOTEMPTY', 'EEXIST')) throw err;
    await rm(temp, { recursive: true, force: true });
    if (!(await isDirectory(join(final, 'fs')))) {
      throw new BuildError('SNAPSHOT_FAILED', `the layer cache directory ${final} exists but holds no unpacked layer`, {
        hint: 'remove that directory; the layer is unpacked again from the store on the next build',
        details: { path: final },
      });
    }
  }
  return layerFsDir(root, diffId);
}

/** A fresh owner-tagged temp directory beside a layer's cache directory (recoverSnapshots removes it if we die). */
export async function makeLayerTemp(root: string, diffId: Digest): Promise<string> {
  spreadSnapshotDirs(root);
  await mkdir(layersDir(root), { recursive: true });
  const temp = `${layerDir(root, diffId)}${TEMP_MARKER}${ownedName()}`;
  await mkdir(temp);
  return temp;
}

async function unpackOnce(root: string, layer: Layer, diffId: Digest, signal: AbortSignal | undefined): Promise<string> {
  const fsDir = layerFsDir(root, diffId);
  if (await isDirectory(fsDir)) return fsDir;
  const source = `layer ${diffId}`;
  const temp = await makeLayerTemp(root, diffId);
  try {
    await mkdir(join(temp, 'fs'));
    const raw = await layer.openUncompressed();
    const hasher = new DigestingStream();
    raw.once('error', (err) => hasher.destroy(err));
    await extractLayerTar(raw.pipe(hasher), join(temp, 'fs'), { source, scratchDir: temp, ...(signal ? { signal } : {}) });
    if (digestAlgorithm(diffId) === 'sha256' && hasher.digest() !== diffId) {
      throw new BuildError('DIGEST_MISMATCH', `${source}: the uncompressed layer has digest ${hasher.digest()}, not its DiffID`, {
        hint: 'the image is damaged; pull it again',
        details: { expected: diffId, actual: hasher.digest() },
      });
    }
    return await publishLayerDir(root, diffId, temp);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Unpacks a layer, once, into the shared read-only cache `<store root>/snapshots/layers/<hex>/fs`
 * (keyed by its DiffID) and gives back that directory, ready to stack as an overlayfs lowerdir
 * (see extractLayerTar for what is kept and what is refused). The tar is hashed as it is read and
 * must match the DiffID. Unpacking goes to a temp dir renamed into place, so a crash leaves
 * nothing half-made in the cache and two processes unpacking one layer both succeed.
 */
export async function unpackLayer(store: Pick<Store, 'root'>, layer: Layer, options: UnpackLayerOptions = {}): Promise<string> {
  const diffId = await layer.diffId();
  const key = `${store.root}\0${diffId}`;
  for (;;) {
    options.signal?.throwIfAborted();
    const running = inFlight.get(key);
    if (running === undefined) break;
    try {
      return await running;
    } catch (err) {
      // Another caller's unpack was cancelled or failed: try again ourselves (unless we were cancelled).
      options.signal?.throwIfAborted();
      if ((err as Error).name !== 'AbortError') throw err;
    }
  }
  const work = unpackOnce(store.root, layer, diffId, options.signal);
  inFlight.set(key, work);
  try {
    return await work;
  } finally {
    if (inFlight.get(key) === work) inFlight.delete(key);
  }
}
