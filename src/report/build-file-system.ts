import { posix } from 'node:path';
import type { Digest } from '../oci/index.js';
import { DiveEfficiency } from './dive-efficiency.js';
import { bytesByLayer, computeTotals, createNode, splitPath } from './file-tree.js';
import type { MutableNode } from './file-tree.js';
import type { ImageFileSystem, LayerEntry, LayerInfo, RemovalKind, RemovedPath } from './types.js';

/** What the builder is told about a layer besides its entries. */
export interface LayerMeta {
  readonly digest: Digest;
  readonly diffId: Digest;
  readonly blobSize: number;
  readonly createdBy?: string;
  readonly created?: string;
  readonly comment?: string;
}

export interface FileSystemBuilder {
  /** Applies the next layer (base first) with OCI semantics; its entries can be dropped after. */
  applyLayer(meta: LayerMeta, entries: readonly LayerEntry[]): void;
  finish(): ImageFileSystem;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** How many symlinks a parent path may go through before we stop following (Linux: 40). */
const MAX_LINK_HOPS = 40;

/**
 * Builds the final file system one layer at a time, as an OCI runtime unpacks them: whiteouts and
 * opaque markers first (they only hide what lower layers wrote, wherever they sit in the tar), then
 * the entries in tar order; an entry replaces what was at its path (a directory over a directory
 * keeps the children); missing parents are made; parents that are symlinks are followed inside
 * the root. Every byte that stops being visible is recorded against the layer that wrote it.
 */
export function createFileSystemBuilder(options: { readonly hashed?: boolean } = {}): FileSystemBuilder {
  const root = createNode('/', 'dir', 0);
  const layers: Writable<LayerInfo>[] = [];
  const removed: RemovedPath[] = [];
  const dive = new DiveEfficiency();
  let current = 0;

  const record = (node: MutableNode, how: RemovalKind, sameContent?: boolean): void => {
    const byLayer = bytesByLayer(node);
    let bytes = 0;
    let files = 0;
    for (const [layer, n] of byLayer) {
      bytes += n;
      const info = layers[layer];
      if (info !== undefined) info.wastedBytes += n;
    }
    if (bytes === 0) return;
    const stack: MutableNode[] = [node];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      if (next.children === undefined) files++;
      else for (const child of next.children.values()) stack.push(child);
    }
    const info = layers[current];
    if (info !== undefined) info.removedBytes += bytes;
    removed.push({ path: node.path, how, removedBy: current, bytes, files, bytesByLayer: byLayer, ...(sameContent !== undefined ? { sameContent } : {}) });
  };

  const childPath = (parent: MutableNode, name: string): string => (parent.path === '/' ? `/${name}` : `${parent.path}/${name}`);

  /** The directory at `parts`, following symlinks; made (as layer `current`) when `create`. */
  const lookupDir = (parts: readonly string[], create: boolean, hops = 0): MutableNode | undefined => {
    let node = root;
    for (const part of parts) {
      const children = node.children;
      if (children === undefined) return undefined;
      let child = children.get(part);
      if (child?.kind === 'symlink' && hops < MAX_LINK_HOPS) {
        const target = posix.resolve(node.path, child.linkTarget ?? '');
        const resolved = lookupDir(splitPath(target), false, hops + 1);
        if (resolved !== undefined) {
          node = resolved;
          continue;
        }
      }
      if (child !== undefined && child.kind !== 'dir') {
        if (!create) return undefined;
        record(child, 'overwritten');
        child = undefined;
      }
      if (child === undefined) {
        if (!create) return undefined;
        child = createNode(childPath(node, part), 'dir', current);
        children.set(part, child);
      }
      node = child;
    }
    return node;
  };

  const applyRemovals = (entries: readonly LayerEntry[]): Map<string, number> => {
    const whiteoutBytes = new Map<string, number>();
    for (const entry of entries) {
      if (entry.kind !== 'whiteout' && entry.kind !== 'opaque') continue;
      const info = layers[current];
      if (entry.kind === 'opaque') {
        const dir = lookupDir(splitPath(entry.path), false);
        if (dir?.children === undefined || dir.children.size === 0) continue;
        record(dir, 'opaque');
        dir.children.clear();
        continue;
      }
      if (info !== undefined) info.whiteouts++;
      const parts = splitPath(entry.path);
      const name = parts.pop();
      const parent = lookupDir(parts, false);
      const node = name === undefined ? undefined : parent?.children?.get(name);
      if (parent === undefined || node === undefined || name === undefined) continue;
      let dirBytes = 0;
      if (node.kind === 'dir') for (const bytes of bytesByLayer(node).values()) dirBytes += bytes;
      whiteoutBytes.set(entry.path, dirBytes);
      record(node, 'whiteout');
      parent.children?.delete(name);
    }
    return whiteoutBytes;
  };

  const applyEntry = (entry: LayerEntry): void => {
    const parts = splitPath(entry.path);
    const name = parts.pop();
    if (name === undefined) return;
    const parent = lookupDir(parts, true);
    if (parent?.children === undefined) return;
    const existing = parent.children.get(name);
    if (existing !== undefined && existing.kind === 'dir' && entry.kind === 'dir') {
      existing.layer = current;
      return;
    }
    if (existing !== undefined) {
      const same =
        existing.kind === 'file' && entry.kind === 'file' && existing.contentHash !== undefined && entry.contentHash !== undefined
          ? existing.contentHash === entry.contentHash
          : undefined;
      record(existing, 'overwritten', same);
    }
    const node = createNode(childPath(parent, name), entry.kind === 'whiteout' || entry.kind === 'opaque' ? 'dir' : entry.kind, current);
    node.size = entry.size;
    if (entry.linkTarget !== undefined) node.linkTarget = entry.linkTarget;
    if (entry.contentHash !== undefined) node.contentHash = entry.contentHash;
    if (entry.content !== undefined) node.content = entry.content;
    parent.children.set(name, node);
  };

  return {
    applyLayer(meta, entries) {
      current = layers.length;
      const info: Writable<LayerInfo> = { index: current, ...meta, addedBytes: 0, files: 0, whiteouts: 0, wastedBytes: 0, removedBytes: 0, visibleBytes: 0 };
      layers.push(info);
      const whiteoutBytes = applyRemovals(entries);
      for (const entry of entries) {
        if (entry.kind === 'whiteout' || entry.kind === 'opaque') continue;
        info.addedBytes += entry.size;
        if (entry.kind !== 'dir') info.files++;
        applyEntry(entry);
      }
      dive.addLayer(entries, (path) => whiteoutBytes.get(path) ?? 0);
    },
    finish() {
      computeTotals(root);
      for (const [layer, bytes] of bytesByLayer(root)) {
        const info = layers[layer];
        if (info !== undefined) info.visibleBytes = bytes;
      }
      const addedBytes = layers.reduce((sum, l) => sum + l.addedBytes, 0);
      return {
        root,
        layers,
        addedBytes,
        totalBytes: root.total,
        wastedBytes: removed.reduce((sum, r) => sum + r.bytes, 0),
        removed,
        efficiency: dive.result(),
        hashed: options.hashed === true,
      };
    },
  };
}
