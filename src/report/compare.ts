import { groupPackagesByRoot } from './debian-groups.js';
import type { PackageGroup } from './debian-groups.js';
import { diffTrees } from './dir-diff.js';
import type { TreeDifference } from './dir-diff.js';
import { readDpkgPackages } from './dpkg.js';
import type { DpkgPackageInImage } from './dpkg.js';
import { findNodePackages } from './node-modules.js';
import type { NodePackage } from './node-modules.js';
import { measureToolchains, toolchainOf } from './toolchains.js';
import type { ImageFileSystem } from './types.js';

export interface NamedFileSystem {
  readonly name: string;
  readonly fs: ImageFileSystem;
}

export interface ImageTotals {
  readonly name: string;
  readonly totalBytes: number;
  readonly addedBytes: number;
  readonly wastedBytes: number;
  /** Bytes of the layer blobs as stored (compressed for compressed layers). */
  readonly blobBytes: number;
  readonly layers: number;
  readonly efficiency: number;
}

export interface LayerSide {
  readonly index: number;
  readonly digest: string;
  readonly addedBytes: number;
  readonly blobSize: number;
  readonly createdBy?: string;
}

/** Row `i` of the side-by-side layer table: layer i of each image; `shared` when it is the same layer. */
export interface LayerPair {
  readonly shared: boolean;
  readonly a?: LayerSide;
  readonly b?: LayerSide;
}

export interface PackageChange {
  readonly name: string;
  readonly versionA: string;
  readonly versionB: string;
  readonly measuredBytesA: number;
  readonly measuredBytesB: number;
}

export interface DebianComparison {
  readonly packagesA: number;
  readonly packagesB: number;
  readonly onlyInA: readonly PackageGroup[];
  readonly onlyInB: readonly PackageGroup[];
  readonly changed: readonly PackageChange[];
}

export interface NodeModulesComparison {
  readonly packagesA: number;
  readonly packagesB: number;
  /** Packages (topmost) at paths the other image does not have. */
  readonly onlyInA: readonly NodePackage[];
  readonly onlyInB: readonly NodePackage[];
  readonly onlyInABytes: number;
  readonly onlyInBBytes: number;
}

export interface ToolchainComparison {
  readonly name: string;
  readonly bytesA: number;
  readonly bytesB: number;
}

export interface CompareReport {
  readonly a: ImageTotals;
  readonly b: ImageTotals;
  readonly layers: readonly LayerPair[];
  readonly debian: DebianComparison;
  readonly nodeModules: NodeModulesComparison;
  readonly toolchains: readonly ToolchainComparison[];
  readonly paths: TreeDifference;
}

export interface CompareOptions {
  /** Differences per side in `paths` and packages listed per side (default 15). */
  readonly top?: number;
  /** Smallest "much bigger" directory difference reported (default 1 MB). */
  readonly minBytes?: number;
}

function totals(input: NamedFileSystem): ImageTotals {
  const { fs } = input;
  return {
    name: input.name,
    totalBytes: fs.totalBytes,
    addedBytes: fs.addedBytes,
    wastedBytes: fs.wastedBytes,
    blobBytes: fs.layers.reduce((sum, l) => sum + l.blobSize, 0),
    layers: fs.layers.length,
    efficiency: fs.efficiency.score,
  };
}

function side(fs: ImageFileSystem, index: number): LayerSide | undefined {
  const l = fs.layers[index];
  if (l === undefined) return undefined;
  return { index, digest: l.diffId, addedBytes: l.addedBytes, blobSize: l.blobSize, ...(l.createdBy !== undefined ? { createdBy: l.createdBy } : {}) };
}

/** Layers side by side by position; a row is shared when both images have the same layer there. */
export function pairLayers(a: ImageFileSystem, b: ImageFileSystem): LayerPair[] {
  const rows: LayerPair[] = [];
  for (let i = 0; i < Math.max(a.layers.length, b.layers.length); i++) {
    const x = side(a, i);
    const y = side(b, i);
    rows.push({ shared: x !== undefined && y !== undefined && x.digest === y.digest, ...(x !== undefined ? { a: x } : {}), ...(y !== undefined ? { b: y } : {}) });
  }
  return rows;
}

function topmost(packages: readonly NodePackage[]): NodePackage[] {
  const paths = new Set(packages.map((p) => p.path));
  return packages.filter((p) => {
    for (let dir = p.path.slice(0, p.path.lastIndexOf('/')); dir.length > 0; dir = dir.slice(0, dir.lastIndexOf('/'))) {
      if (paths.has(dir)) return false;
    }
    return true;
  });
}

function compareNodeModules(a: readonly NodePackage[], b: readonly NodePackage[], top: number): NodeModulesComparison {
  const inA = new Set(a.map((p) => p.path));
  const inB = new Set(b.map((p) => p.path));
  const onlyA = topmost(a.filter((p) => !inB.has(p.path)));
  const onlyB = topmost(b.filter((p) => !inA.has(p.path)));
  return {
    packagesA: a.length,
    packagesB: b.length,
    onlyInA: onlyA.slice(0, top),
    onlyInB: onlyB.slice(0, top),
    onlyInABytes: onlyA.reduce((sum, p) => sum + p.bytes, 0),
    onlyInBBytes: onlyB.reduce((sum, p) => sum + p.bytes, 0),
  };
}

interface Ownership {
  readonly packages: DpkgPackageInImage[];
  readonly owners: Map<string, string>;
  readonly nodePackages: NodePackage[];
}

/** Labels a file: its npm package, else its Debian package (or group), else its toolchain. */
function labeller(own: Ownership, groupOf: ReadonlyMap<string, string>): (path: string) => string | undefined {
  const nodeByPath = new Map(own.nodePackages.filter((p) => !p.nested).map((p) => [p.path, p.name]));
  return (path) => {
    for (let end = path.indexOf('/node_modules/'); end !== -1; end = path.indexOf('/node_modules/', end + 1)) {
      const rest = path.slice(end + '/node_modules/'.length).split('/');
      const name = rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '');
      const found = nodeByPath.get(`${path.slice(0, end)}/node_modules/${name}`);
      if (found !== undefined) return `npm package ${found}`;
    }
    const deb = own.owners.get(path);
    if (deb !== undefined) {
      const group = groupOf.get(deb);
      return group !== undefined ? `Debian: ${group}` : `Debian package ${deb}`;
    }
    const toolchain = toolchainOf(path);
    return toolchain;
  };
}

/** How a package group is named in labels: `npm and its dependencies`. */
export function groupTitle(group: PackageGroup): string {
  if (group.packages.length <= 1) return group.root;
  return `${group.root} and its dependencies`;
}

/**
 * Compares two images: totals, layers side by side, Debian packages only one has (grouped under
 * the package that needs them), node_modules packages only one has, toolchains, and the paths
 * present in one and not the other (or much bigger), each labelled with who owns the bytes.
 */
export function compareFileSystems(a: NamedFileSystem, b: NamedFileSystem, options: CompareOptions = {}): CompareReport {
  const top = options.top ?? 15;
  const debA = readDpkgPackages(a.fs);
  const debB = readDpkgPackages(b.fs);
  const namesA = new Map(debA.packages.map((p) => [p.name, p]));
  const namesB = new Map(debB.packages.map((p) => [p.name, p]));
  const onlyInA = groupPackagesByRoot(debA.packages.filter((p) => !namesB.has(p.name)));
  const onlyInB = groupPackagesByRoot(debB.packages.filter((p) => !namesA.has(p.name)));
  const changed: PackageChange[] = [];
  for (const p of debA.packages) {
    const q = namesB.get(p.name);
    if (q !== undefined && q.version !== p.version) {
      changed.push({ name: p.name, versionA: p.version, versionB: q.version, measuredBytesA: p.measuredBytes, measuredBytesB: q.measuredBytes });
    }
  }
  const groupMap = (groups: readonly PackageGroup[]): Map<string, string> =>
    new Map(groups.flatMap((g) => g.packages.map((p) => [p.name, groupTitle(g)] as const)));
  const nodeA = findNodePackages(a.fs.root);
  const nodeB = findNodePackages(b.fs.root);
  const toolA = measureToolchains(a.fs.root);
  const toolB = measureToolchains(b.fs.root);
  const toolchains = [...new Set([...toolA.keys(), ...toolB.keys()])]
    .map((name) => ({ name, bytesA: toolA.get(name)?.bytes ?? 0, bytesB: toolB.get(name)?.bytes ?? 0 }))
    .sort((x, y) => Math.abs(y.bytesA - y.bytesB) - Math.abs(x.bytesA - x.bytesB) || x.name.localeCompare(y.name));
  const paths = diffTrees(a.fs.root, b.fs.root, {
    top,
    ...(options.minBytes !== undefined ? { minBytes: options.minBytes } : {}),
    labelA: labeller({ ...debA, nodePackages: nodeA }, groupMap(onlyInA)),
    labelB: labeller({ ...debB, nodePackages: nodeB }, groupMap(onlyInB)),
  });
  return {
    a: totals(a),
    b: totals(b),
    layers: pairLayers(a.fs, b.fs),
    debian: { packagesA: debA.packages.length, packagesB: debB.packages.length, onlyInA, onlyInB, changed },
    nodeModules: compareNodeModules(nodeA, nodeB, top),
    toolchains,
    paths,
  };
}
