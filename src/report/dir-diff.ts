import { walkTree } from './file-tree.js';
import type { FileNode } from './types.js';

/** A path that only one image has, or that is much bigger in one of them. */
export interface PathDifference {
  readonly path: string;
  /** `only`: the other image has nothing there; `bigger`: both have it, this one much more. */
  readonly kind: 'only' | 'bigger';
  /** Bytes in the image this difference belongs to. */
  readonly bytes: number;
  /** Bytes the other image has at the same path. */
  readonly otherBytes: number;
  readonly files: number;
  /** Who the bytes belong to (packages, toolchains), biggest first, when a labeller was given. */
  readonly owners: ReadonlyArray<{ readonly label: string; readonly bytes: number }>;
}

export interface TreeDifference {
  readonly onlyInA: readonly PathDifference[];
  readonly onlyInB: readonly PathDifference[];
}

export interface DiffOptions {
  /** Smallest `bigger` difference reported (default 1 MB). */
  readonly minBytes?: number;
  /** How many differences to keep per side (default 15). */
  readonly top?: number;
  readonly labelA?: (path: string) => string | undefined;
  readonly labelB?: (path: string) => string | undefined;
}

function owners(node: FileNode, label: ((path: string) => string | undefined) | undefined): Array<{ label: string; bytes: number }> {
  if (label === undefined) return [];
  const tally = new Map<string, number>();
  walkTree(node, (n) => {
    if (n.kind === 'dir' || n.size === 0) return;
    const name = label(n.path);
    if (name !== undefined) tally.set(name, (tally.get(name) ?? 0) + n.size);
  });
  return [...tally].map(([l, bytes]) => ({ label: l, bytes })).sort((a, b) => b.bytes - a.bytes || a.label.localeCompare(b.label)).slice(0, 3);
}

/**
 * Where two file systems differ most: the topmost paths one has and the other not, and the
 * directories much bigger in one, meaning at least `minBytes` bigger and not already explained
 * (for at least half) by the differences found below them. Biggest first on each side.
 */
export function diffTrees(a: FileNode, b: FileNode, options: DiffOptions = {}): TreeDifference {
  const minBytes = options.minBytes ?? 1_000_000;
  const found: { a: Array<{ node: FileNode; kind: 'only' | 'bigger'; other: number }>; b: Array<{ node: FileNode; kind: 'only' | 'bigger'; other: number }> } = { a: [], b: [] };
  const visit = (x: FileNode | undefined, y: FileNode | undefined): { a: number; b: number } => {
    if (x === undefined && y === undefined) return { a: 0, b: 0 };
    if (y === undefined && x !== undefined) {
      found.a.push({ node: x, kind: 'only', other: 0 });
      return { a: x.total, b: 0 };
    }
    if (x === undefined && y !== undefined) {
      found.b.push({ node: y, kind: 'only', other: 0 });
      return { a: 0, b: y.total };
    }
    if (x === undefined || y === undefined) return { a: 0, b: 0 };
    const explained = { a: 0, b: 0 };
    if (x.children !== undefined && y.children !== undefined) {
      const names = new Set([...x.children.keys(), ...y.children.keys()]);
      for (const name of names) {
        const r = visit(x.children.get(name), y.children.get(name));
        explained.a += r.a;
        explained.b += r.b;
      }
    }
    const delta = x.total - y.total;
    if (x.path !== '/' && delta >= minBytes && explained.a < delta / 2) {
      found.a.push({ node: x, kind: 'bigger', other: y.total });
      explained.a = delta;
    }
    if (y.path !== '/' && -delta >= minBytes && explained.b < -delta / 2) {
      found.b.push({ node: y, kind: 'bigger', other: x.total });
      explained.b = -delta;
    }
    return explained;
  };
  visit(a, b);
  const top = options.top ?? 15;
  const finish = (list: typeof found.a, label: ((path: string) => string | undefined) | undefined): PathDifference[] =>
    list
      .sort((p, q) => q.node.total - q.other - (p.node.total - p.other) || p.node.path.localeCompare(q.node.path))
      .slice(0, top)
      .map((d) => ({ path: d.node.path, kind: d.kind, bytes: d.node.total, otherBytes: d.other, files: d.node.files, owners: owners(d.node, label) }));
  return { onlyInA: finish(found.a, options.labelA), onlyInB: finish(found.b, options.labelB) };
}
