import { BuildError } from '../errors/index.js';
import { bytesByLayer, resolveNode } from './file-tree.js';
import type { EntryKind, Efficiency, FileNode, ImageFileSystem, LayerInfo, RemovalKind } from './types.js';

export interface DuOptions {
  /** Where to start (default `/`); symlinks on the way are followed. */
  readonly path?: string;
  /** How many levels under `path` to list (default 1). */
  readonly depth?: number;
  /** Children listed per directory, biggest first (default 20); the rest are summed in one row. */
  readonly top?: number;
  /** Removed paths listed (default 20). */
  readonly topWasted?: number;
}

/** One row of `du`: a path with its size and the layers that wrote it. */
export interface DuRow {
  readonly path: string;
  /** `more` for the row that sums the children not listed. */
  readonly kind: EntryKind | 'more';
  readonly depth: number;
  readonly bytes: number;
  readonly files: number;
  /** The layer that wrote most of its bytes (for a file: the layer that wrote it). */
  readonly layer: number;
  /** Bytes by layer, biggest first. */
  readonly layers: ReadonlyArray<{ readonly layer: number; readonly bytes: number }>;
  /** How many children the `more` row stands for. */
  readonly count?: number;
}

export interface DuWasted {
  readonly path: string;
  readonly how: RemovalKind;
  readonly bytes: number;
  readonly files: number;
  /** Layers that wrote the removed bytes. */
  readonly writtenIn: readonly number[];
  readonly removedBy: number;
  readonly sameContent?: boolean;
}

export interface DuReport {
  readonly path: string;
  readonly bytes: number;
  readonly imageBytes: number;
  /** Everything the layers wrote, wasted bytes included. */
  readonly addedBytes: number;
  readonly wastedBytes: number;
  readonly efficiency: Efficiency;
  readonly layers: readonly LayerInfo[];
  readonly rows: readonly DuRow[];
  /** The biggest removed paths (under `path`), biggest first. */
  readonly wasted: readonly DuWasted[];
}

function sortedLayers(node: FileNode): Array<{ layer: number; bytes: number }> {
  return [...bytesByLayer(node)].map(([layer, bytes]) => ({ layer, bytes })).sort((a, b) => b.bytes - a.bytes || b.layer - a.layer);
}

function rowOf(node: FileNode, depth: number): DuRow {
  const layers = sortedLayers(node);
  return { path: node.path, kind: node.kind, depth, bytes: node.total, files: node.files, layer: layers[0]?.layer ?? node.layer, layers };
}

function isUnder(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(dir + '/');
}

/**
 * Sizes by path, as `du` would give them for the image's final file system: the start path, then
 * down to `depth` levels its biggest children (ties by name), each with the layers that wrote it;
 * plus what was written and later removed (wasted) under the path, and dive's efficiency score.
 */
export function summarizeDu(fs: ImageFileSystem, options: DuOptions = {}): DuReport {
  const start = options.path ?? '/';
  const node = resolveNode(fs.root, start, { followLast: true });
  if (node === undefined) {
    throw new BuildError('USAGE', `${start}: no such path in the image`, { hint: 'paths are absolute inside the image, e.g. /usr/lib' });
  }
  const depth = options.depth ?? 1;
  const top = options.top ?? 20;
  const rows: DuRow[] = [];
  const visit = (current: FileNode, level: number): void => {
    rows.push(rowOf(current, level));
    if (level >= depth || current.children === undefined) return;
    const children = [...current.children.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
    for (const child of children.slice(0, top)) visit(child, level + 1);
    const rest = children.slice(top);
    if (rest.length === 0) return;
    const byLayer = new Map<number, number>();
    for (const child of rest) for (const [layer, bytes] of bytesByLayer(child)) byLayer.set(layer, (byLayer.get(layer) ?? 0) + bytes);
    const layers = [...byLayer].map(([layer, bytes]) => ({ layer, bytes })).sort((a, b) => b.bytes - a.bytes || b.layer - a.layer);
    rows.push({
      path: current.path,
      kind: 'more',
      depth: level + 1,
      bytes: rest.reduce((sum, c) => sum + c.total, 0),
      files: rest.reduce((sum, c) => sum + c.files, 0),
      layer: layers[0]?.layer ?? current.layer,
      layers,
      count: rest.length,
    });
  };
  visit(node, 0);
  const wasted = fs.removed
    .filter((r) => isUnder(r.path, node.path))
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
    .slice(0, options.topWasted ?? 20)
    .map((r): DuWasted => ({
      path: r.path,
      how: r.how,
      bytes: r.bytes,
      files: r.files,
      writtenIn: [...r.bytesByLayer.keys()].sort((a, b) => a - b),
      removedBy: r.removedBy,
      ...(r.sameContent !== undefined ? { sameContent: r.sameContent } : {}),
    }));
  const wastedUnder = fs.removed.filter((r) => isUnder(r.path, node.path)).reduce((sum, r) => sum + r.bytes, 0);
  return {
    path: node.path,
    bytes: node.total,
    imageBytes: fs.totalBytes,
    addedBytes: fs.addedBytes,
    wastedBytes: wastedUnder,
    efficiency: fs.efficiency,
    layers: fs.layers,
    rows,
    wasted,
  };
}
