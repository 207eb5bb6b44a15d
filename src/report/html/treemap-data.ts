import { dominantLayer } from '../file-tree.js';
import type { FileNode } from '../types.js';

/**
 * A treemap node as embedded in the page (short keys keep the page small): name, bytes, the layer
 * that wrote most of it, children; `m` marks a node that stands for several small entries.
 */
export interface TreemapNode {
  readonly n: string;
  readonly s: number;
  readonly l: number;
  readonly c?: readonly TreemapNode[];
  readonly m?: number;
}

export interface TreemapOptions {
  /** Most nodes embedded per image (default 2,500). */
  readonly maxNodes?: number;
  /** Entries smaller than this share of the image are folded into one "(N small files)" node (default 1/2,000). */
  readonly minShare?: number;
}

interface Draft {
  readonly node: FileNode;
  children?: Array<Draft | Folded>;
}

interface Folded {
  readonly folded: true;
  readonly bytes: number;
  readonly files: number;
  readonly layer: number;
}

function isFolded(d: Draft | Folded): d is Folded {
  return 'folded' in d;
}

function fold(nodes: readonly FileNode[]): Folded {
  const byLayer = new Map<number, number>();
  for (const n of nodes) {
    const layer = dominantLayer(n);
    byLayer.set(layer, (byLayer.get(layer) ?? 0) + n.total);
  }
  const layer = [...byLayer].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
  return { folded: true, bytes: nodes.reduce((s, n) => s + n.total, 0), files: nodes.reduce((s, n) => s + n.files, 0), layer };
}

/**
 * The file tree cut down for the page: directories are opened biggest first until `maxNodes`
 * nodes are out; in an opened directory, entries below the size threshold become one
 * "(N small files)" node; directories never opened stay as single boxes. Empty entries are left
 * out (a treemap cannot show them).
 */
export function buildTreemapData(root: FileNode, options: TreemapOptions = {}): TreemapNode {
  const maxNodes = options.maxNodes ?? 2500;
  const minBytes = Math.max(1, root.total * (options.minShare ?? 1 / 2000));
  const top: Draft = { node: root };
  const frontier: Draft[] = [top];
  let count = 1;
  // `frontier` stays sorted by size, smallest first, so the biggest unopened directory is last.
  const enqueue = (draft: Draft): void => {
    let lo = 0;
    let hi = frontier.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((frontier[mid]?.node.total ?? 0) <= draft.node.total) lo = mid + 1;
      else hi = mid;
    }
    frontier.splice(lo, 0, draft);
  };
  while (frontier.length > 0 && count < maxNodes) {
    const next = frontier.pop();
    if (next === undefined) break;
    const children = [...(next.node.children?.values() ?? [])].filter((c) => c.total > 0).sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
    const big = children.filter((c) => c.total >= minBytes);
    const small = children.filter((c) => c.total < minBytes);
    if (count + big.length + (small.length > 0 ? 1 : 0) > maxNodes) continue;
    next.children = big.map((node): Draft => ({ node }));
    if (small.length > 0) next.children.push(fold(small));
    count += next.children.length;
    for (const child of next.children) if (!isFolded(child) && child.node.children !== undefined && child.node.children.size > 0) enqueue(child);
  }
  const emit = (draft: Draft): TreemapNode => {
    const children = draft.children?.map((c) =>
      isFolded(c) ? { n: `(${String(c.files)} small files)`, s: c.bytes, l: c.layer, m: c.files } : emit(c),
    );
    return {
      n: draft.node.path === '/' ? '/' : draft.node.name,
      s: draft.node.total,
      l: dominantLayer(draft.node),
      ...(children !== undefined && children.length > 0 ? { c: children } : {}),
    };
  };
  return emit(top);
}

/** How many nodes a treemap tree holds. */
export function countTreemapNodes(node: TreemapNode): number {
  return 1 + (node.c ?? []).reduce((sum, c) => sum + countTreemapNodes(c), 0);
}
