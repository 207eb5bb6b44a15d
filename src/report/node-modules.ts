import type { FileNode } from './types.js';

/** A package directory inside a `node_modules` folder. */
export interface NodePackage {
  /** `express`, `@babel/core`. */
  readonly name: string;
  /** The package directory: `/app/node_modules/@babel/core`. */
  readonly path: string;
  /** The `node_modules` folder it sits in. */
  readonly modulesDir: string;
  /** Bytes of the package directory (its own nested node_modules included). */
  readonly bytes: number;
  readonly files: number;
  /** Whether it sits inside another package (a nested node_modules). */
  readonly nested: boolean;
}

function packageDirs(modules: FileNode): Array<{ name: string; node: FileNode }> {
  const found: Array<{ name: string; node: FileNode }> = [];
  for (const child of modules.children?.values() ?? []) {
    if (child.kind !== 'dir' || child.name.startsWith('.')) continue;
    if (child.name.startsWith('@')) {
      for (const scoped of child.children?.values() ?? []) {
        if (scoped.kind === 'dir') found.push({ name: `${child.name}/${scoped.name}`, node: scoped });
      }
    } else {
      found.push({ name: child.name, node: child });
    }
  }
  return found;
}

/**
 * Every package under every `node_modules` folder of a tree (nested ones too, marked), found by
 * walking the directories: `node_modules/<pkg>` and `node_modules/@scope/<pkg>`.
 */
export function findNodePackages(root: FileNode): NodePackage[] {
  const packages: NodePackage[] = [];
  const stack: Array<{ node: FileNode; inPackage: boolean }> = [{ node: root, inPackage: false }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    for (const child of next.node.children?.values() ?? []) {
      if (child.kind !== 'dir') continue;
      if (child.name !== 'node_modules') {
        stack.push({ node: child, inPackage: next.inPackage });
        continue;
      }
      for (const { name, node } of packageDirs(child)) {
        packages.push({ name, path: node.path, modulesDir: child.path, bytes: node.total, files: node.files, nested: next.inPackage });
        stack.push({ node, inPackage: true });
      }
    }
  }
  return packages.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
}
