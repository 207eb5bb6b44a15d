import { posix } from 'node:path';
import type { EntryKind, FileNode } from './types.js';

/** The builder's node: a FileNode whose fields change while layers are applied. */
export interface MutableNode {
  name: string;
  path: string;
  kind: EntryKind;
  size: number;
  layer: number;
  total: number;
  files: number;
  children: Map<string, MutableNode> | undefined;
  linkTarget?: string;
  contentHash?: string;
  content?: Uint8Array;
}

export function createNode(path: string, kind: EntryKind, layer: number): MutableNode {
  const name = path === '/' ? '' : path.slice(path.lastIndexOf('/') + 1);
  return { name, path, kind, size: 0, layer, total: 0, files: 0, children: kind === 'dir' ? new Map() : undefined };
}

/** The names of a path's components: `/a/b` → `['a', 'b']`, `/` → `[]`. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** The node at `path` (absolute), or undefined. */
export function findNode<N extends FileNode | MutableNode>(root: N, path: string): N | undefined {
  let node: N | undefined = root;
  for (const part of splitPath(path)) {
    node = node.children?.get(part) as N | undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Calls `visit` on a node and everything under it, parents first. */
export function walkTree<N extends FileNode | MutableNode>(node: N, visit: (node: N) => void): void {
  const stack: N[] = [node];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    visit(next);
    if (next.children !== undefined) for (const child of next.children.values()) stack.push(child as N);
  }
}

/** Content bytes under a node by the layer that wrote them. */
export function bytesByLayer(node: FileNode | MutableNode): Map<number, number> {
  const result = new Map<number, number>();
  walkTree(node, (n) => {
    if (n.kind !== 'dir' && n.size > 0) result.set(n.layer, (result.get(n.layer) ?? 0) + n.size);
  });
  return result;
}

/** The layer that wrote most of a node's bytes (its own layer when it holds none). */
export function dominantLayer(node: FileNode | MutableNode): number {
  let best = node.layer;
  let bestBytes = -1;
  for (const [layer, bytes] of bytesByLayer(node)) {
    if (bytes > bestBytes || (bytes === bestBytes && layer > best)) {
      best = layer;
      bestBytes = bytes;
    }
  }
  return best;
}

/** Fills `total` and `files` bottom-up (after the last layer). */
export function computeTotals(root: MutableNode): void {
  const order: MutableNode[] = [];
  walkTree(root, (n) => order.push(n));
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    if (node === undefined) continue;
    if (node.children === undefined) {
      node.total = node.size;
      node.files = 1;
      continue;
    }
    let total = node.size;
    let files = 0;
    for (const child of node.children.values()) {
      total += child.total;
      files += child.files;
    }
    node.total = total;
    node.files = files;
  }
}

/**
 * The node at `path`, following symlinks met on the way (as the kernel resolves a path inside the
 * root: `/bin/sh` with `/bin -> usr/bin` finds `/usr/bin/sh`). The last component is followed only
 * with `followLast`.
 */
export function resolveNode<N extends FileNode | MutableNode>(root: N, path: string, options: { followLast?: boolean; hops?: number } = {}): N | undefined {
  const parts = splitPath(path);
  const hops = options.hops ?? 0;
  let node: N = root;
  for (const [i, part] of parts.entries()) {
    let child = node.children?.get(part) as N | undefined;
    if (child === undefined) return undefined;
    if (child.kind === 'symlink' && (i < parts.length - 1 || options.followLast === true)) {
      if (hops >= 40) return undefined;
      const resolved = resolveNode(root, posix.resolve(node.path, child.linkTarget ?? ''), { followLast: true, hops: hops + 1 });
      if (resolved === undefined) return undefined;
      child = resolved;
    }
    node = child;
  }
  return node;
}
