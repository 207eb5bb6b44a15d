import { posix } from 'node:path';
import { findNode, resolveNode } from './file-tree.js';
import type { FileNode, ImageFileSystem } from './types.js';

/** One installed package, from dpkg's status database. */
export interface DpkgPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** `Installed-Size` (dpkg's estimate, in KiB) in bytes. */
  readonly installedBytes: number;
  /** Package names from Depends and Pre-Depends (every alternative). */
  readonly depends: readonly string[];
  /** Virtual package names it provides. */
  readonly provides: readonly string[];
}

/** An installed package with what it holds in this image. */
export interface DpkgPackageInImage extends DpkgPackage {
  /** Bytes of the regular files its file list names that exist in the image. */
  readonly measuredBytes: number;
  readonly files: number;
}

const STATUS_PATH = '/var/lib/dpkg/status';
const INFO_DIR = '/var/lib/dpkg/info';

/** `a (>= 1), b | c:any` → `['a', 'b', 'c']`. */
function relationNames(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names: string[] = [];
  for (const group of value.split(',')) {
    for (const alternative of group.split('|')) {
      const name = alternative.trim().split(/[\s(:[]/)[0];
      if (name !== undefined && name !== '') names.push(name);
    }
  }
  return names;
}

/** The stanzas of a deb822 file (dpkg's status), each a field → value map (continuations joined). */
export function parseDeb822(text: string): Map<string, string>[] {
  const stanzas: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let lastField: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) stanzas.push(current);
      current = new Map();
      lastField = undefined;
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastField !== undefined) {
      current.set(lastField, `${current.get(lastField) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastField = line.slice(0, colon).toLowerCase();
    current.set(lastField, line.slice(colon + 1).trim());
  }
  if (current.size > 0) stanzas.push(current);
  return stanzas;
}

/** The packages dpkg's status marks installed (`Status: install ok installed`). */
export function parseDpkgStatus(text: string): DpkgPackage[] {
  const packages: DpkgPackage[] = [];
  for (const stanza of parseDeb822(text)) {
    const name = stanza.get('package');
    const status = stanza.get('status') ?? '';
    if (name === undefined || !status.endsWith(' installed')) continue;
    const size = Number.parseInt(stanza.get('installed-size') ?? '0', 10);
    packages.push({
      name,
      version: stanza.get('version') ?? '',
      architecture: stanza.get('architecture') ?? '',
      installedBytes: Number.isFinite(size) ? size * 1024 : 0,
      depends: [...relationNames(stanza.get('pre-depends')), ...relationNames(stanza.get('depends'))],
      provides: relationNames(stanza.get('provides')),
    });
  }
  return packages;
}

function text(node: FileNode | undefined): string | undefined {
  return node?.content === undefined ? undefined : Buffer.from(node.content).toString('utf8');
}

/**
 * The Debian packages installed in an image (empty when it has no dpkg database), each with the
 * bytes its `/var/lib/dpkg/info/<name>[:arch].list` files occupy in the image (paths resolved
 * through symlinks, as on merged-/usr systems; a file listed twice counted once), and the owner
 * of every file: real path → package name.
 */
export function readDpkgPackages(fs: ImageFileSystem): { packages: DpkgPackageInImage[]; owners: Map<string, string> } {
  const status = text(findNode(fs.root, STATUS_PATH));
  const owners = new Map<string, string>();
  if (status === undefined) return { packages: [], owners };
  const lists = new Map<string, string[]>();
  const info = findNode(fs.root, INFO_DIR);
  for (const node of info?.children?.values() ?? []) {
    if (!node.name.endsWith('.list')) continue;
    const body = text(node);
    if (body === undefined) continue;
    const name = posix.basename(node.name, '.list').split(':')[0] ?? '';
    const paths = lists.get(name) ?? [];
    for (const line of body.split('\n')) if (line.startsWith('/')) paths.push(line);
    lists.set(name, paths);
  }
  const packages = parseDpkgStatus(status).map((pkg): DpkgPackageInImage => {
    let measuredBytes = 0;
    let files = 0;
    for (const path of lists.get(pkg.name) ?? []) {
      const node = resolveNode(fs.root, path);
      if (node === undefined || node.kind === 'dir' || owners.has(node.path)) continue;
      owners.set(node.path, pkg.name);
      measuredBytes += node.size;
      files++;
    }
    return { ...pkg, measuredBytes, files };
  });
  return { packages, owners };
}
