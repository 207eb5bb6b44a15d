import type { Image } from '../image/index.js';
import type { HistoryEntry } from '../oci/index.js';
import { createFileSystemBuilder } from './build-file-system.js';
import type { LayerMeta } from './build-file-system.js';
import { readLayerEntries } from './layer-entries.js';
import type { CapturePredicate } from './layer-entries.js';
import type { ImageFileSystem } from './types.js';

export interface ReadFileSystemOptions {
  /** Hash every regular file (needed for duplicate-content advice; costs a sha256 pass). */
  readonly hash?: boolean;
  /** Which files to keep the content of (default: the metadata files the report parses). */
  readonly capture?: CapturePredicate;
  readonly signal?: AbortSignal;
}

const DPKG_INFO_LIST = /^\/var\/lib\/dpkg\/info\/[^/]+\.list$/;
const APP_MANIFEST = /\/(package\.json|package-lock\.json|npm-shrinkwrap\.json)$/;

/**
 * The files the report reads the content of: dpkg's status database and file lists, and npm
 * manifests and lockfiles outside node_modules (the application's own).
 */
export function captureReportFiles(path: string, size: number): boolean {
  if (path === '/var/lib/dpkg/status') return true;
  if (DPKG_INFO_LIST.test(path)) return true;
  return APP_MANIFEST.test(path) && !path.includes('/node_modules/') && size <= 8 * 1024 * 1024;
}

/** The history entries that made layers (not `empty_layer`), in order: entry i made layer i. */
export function layerHistory(history: readonly HistoryEntry[] | undefined): HistoryEntry[] {
  return (history ?? []).filter((h) => h.empty_layer !== true);
}

/**
 * Reads every layer of an image, base first, streaming each tar once, and builds its final file
 * system with per-layer accounting. Only one layer's entry list is in memory at a time.
 */
export async function readImageFileSystem(image: Image, options: ReadFileSystemOptions = {}): Promise<ImageFileSystem> {
  const [layers, config] = await Promise.all([image.layers(), image.config()]);
  const history = layerHistory(config.history);
  const builder = createFileSystemBuilder({ hashed: options.hash === true });
  for (const [index, layer] of layers.entries()) {
    options.signal?.throwIfAborted();
    const [digest, diffId, blobSize] = await Promise.all([layer.digest(), layer.diffId(), layer.size()]);
    const source = `layer ${String(index)} (${digest})`;
    const entries = await readLayerEntries(await layer.openUncompressed(), {
      hash: options.hash === true,
      capture: options.capture ?? captureReportFiles,
      source,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    const h = history[index];
    const meta: LayerMeta = {
      digest,
      diffId,
      blobSize,
      ...(h?.created_by !== undefined ? { createdBy: h.created_by } : {}),
      ...(h?.created !== undefined ? { created: h.created } : {}),
      ...(h?.comment !== undefined ? { comment: h.comment } : {}),
    };
    builder.applyLayer(meta, entries);
  }
  return builder.finish();
}
