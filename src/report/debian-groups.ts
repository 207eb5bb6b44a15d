import type { DpkgPackageInImage } from './dpkg.js';

/** A package as reports show it. */
export interface PackageSummary {
  readonly name: string;
  readonly version: string;
  /** dpkg's Installed-Size, in bytes. */
  readonly installedBytes: number;
  /** Bytes its files take in the image. */
  readonly measuredBytes: number;
  readonly files: number;
}

/** Packages one image has and the other not, gathered under the package that pulled them in. */
export interface PackageGroup {
  /** The package the others are dependencies of; `(shared dependencies)` for those several roots need. */
  readonly root: string;
  readonly packages: readonly PackageSummary[];
  readonly installedBytes: number;
  readonly measuredBytes: number;
}

export const SHARED_GROUP = '(shared dependencies)';

/**
 * Groups a set of packages by dependency: the roots are the packages no other package of the set
 * depends on (through its name or a virtual name it provides); each package goes to the one root
 * whose dependencies reach it, or to the shared group when several do. Packages only reachable
 * through a cycle make roots of their own (the biggest first). Groups come biggest first.
 */
export function groupPackagesByRoot(set: readonly DpkgPackageInImage[]): PackageGroup[] {
  const providers = new Map<string, string[]>();
  for (const p of set) {
    for (const virtual of [p.name, ...p.provides]) providers.set(virtual, [...(providers.get(virtual) ?? []), p.name]);
  }
  const deps = new Map<string, string[]>();
  for (const p of set) {
    const names = new Set<string>();
    for (const dep of p.depends) for (const provider of providers.get(dep) ?? []) if (provider !== p.name) names.add(provider);
    deps.set(p.name, [...names]);
  }
  const needed = new Set<string>();
  for (const list of deps.values()) for (const name of list) needed.add(name);
  const bySize = [...set].sort((a, b) => b.measuredBytes - a.measuredBytes || a.name.localeCompare(b.name));
  const roots = bySize.filter((p) => !needed.has(p.name)).map((p) => p.name);
  const reachedBy = new Map<string, Set<string>>();
  const reach = (root: string): void => {
    const stack = [root];
    for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
      const seen = reachedBy.get(name) ?? new Set<string>();
      if (seen.has(root)) continue;
      seen.add(root);
      reachedBy.set(name, seen);
      stack.push(...(deps.get(name) ?? []));
    }
  };
  for (const root of roots) reach(root);
  for (const p of bySize) {
    if (reachedBy.has(p.name)) continue;
    roots.push(p.name);
    reach(p.name);
  }
  const members = new Map<string, DpkgPackageInImage[]>();
  for (const p of bySize) {
    const seen = reachedBy.get(p.name);
    const group = seen !== undefined && seen.size === 1 ? ([...seen][0] ?? SHARED_GROUP) : SHARED_GROUP;
    members.set(group, [...(members.get(group) ?? []), p]);
  }
  const groups: PackageGroup[] = [];
  for (const [root, packages] of members) {
    const ordered = [...packages].sort((a, b) => (a.name === root ? -1 : b.name === root ? 1 : b.measuredBytes - a.measuredBytes || a.name.localeCompare(b.name)));
    groups.push({
      root,
      packages: ordered.map((p) => ({ name: p.name, version: p.version, installedBytes: p.installedBytes, measuredBytes: p.measuredBytes, files: p.files })),
      installedBytes: ordered.reduce((sum, p) => sum + p.installedBytes, 0),
      measuredBytes: ordered.reduce((sum, p) => sum + p.measuredBytes, 0),
    });
  }
  return groups.sort((a, b) => b.measuredBytes - a.measuredBytes || a.root.localeCompare(b.root));
}
