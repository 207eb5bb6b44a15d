import { posix } from 'node:path';
import type { Advice, AdviceInput } from './advice-types.js';
import { bytesByLayer, findNode, walkTree } from './file-tree.js';
import type { FileNode } from './types.js';

interface LockEntry {
  readonly dev?: unknown;
  readonly dependencies?: unknown;
}

/** Directories that hold Node.js installs of the system rather than an application. */
const SYSTEM_PREFIXES = ['/usr/share/', '/usr/lib/', '/usr/local/lib/', '/opt/yarn', '/proc/', '/sys/'];

function parseJson(node: FileNode | undefined): unknown {
  if (node?.content === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(node.content).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Package paths (relative to the app) that a lockfile marks as development-only. */
export function devPathsFromLockfile(lock: unknown): string[] | undefined {
  if (!isRecord(lock)) return undefined;
  if (isRecord(lock['packages'])) {
    return Object.entries(lock['packages'])
      .filter(([key, value]) => key.startsWith('node_modules/') && isRecord(value) && value['dev'] === true)
      .map(([key]) => key);
  }
  if (!isRecord(lock['dependencies'])) return undefined;
  const paths: string[] = [];
  const visit = (deps: Record<string, unknown>, prefix: string): void => {
    for (const [name, value] of Object.entries(deps)) {
      if (!isRecord(value)) continue;
      const entry = value as LockEntry;
      const path = `${prefix}node_modules/${name}`;
      if (entry.dev === true) paths.push(path);
      if (isRecord(entry.dependencies)) visit(entry.dependencies, `${path}/`);
    }
  };
  visit(lock['dependencies'], '');
  return paths;
}

/** Paths of the direct devDependencies that are not also production dependencies. */
export function devPathsFromManifest(manifest: unknown): string[] {
  if (!isRecord(manifest) || !isRecord(manifest['devDependencies'])) return [];
  const prod = isRecord(manifest['dependencies']) ? manifest['dependencies'] : {};
  return Object.keys(manifest['devDependencies'])
    .filter((name) => !(name in prod))
    .map((name) => `node_modules/${name}`);
}

/** Application directories: a package.json outside node_modules and system paths, beside a node_modules. */
function appDirs(root: FileNode, workingDir: string | undefined): FileNode[] {
  const found: FileNode[] = [];
  walkTree(root, (node) => {
    if (node.kind !== 'dir' || node.path.includes('/node_modules')) return;
    if (SYSTEM_PREFIXES.some((p) => node.path.startsWith(p))) return;
    if (node.children?.get('package.json')?.content === undefined) return;
    if (node.children.get('node_modules')?.kind !== 'dir') return;
    found.push(node);
  });
  return found.sort((a, b) => (a.path === workingDir ? -1 : b.path === workingDir ? 1 : a.path.localeCompare(b.path)));
}

/**
 * devDependencies present in an application's node_modules: read the app's package.json and its
 * lockfile (which marks transitive dev packages), and sum what those packages take in the image.
 */
export function adviseDevDependencies(input: AdviceInput, minBytes: number): Advice[] {
  const advice: Advice[] = [];
  for (const app of appDirs(input.fs.root, input.workingDir)) {
    const lock = parseJson(app.children?.get('package-lock.json')) ?? parseJson(app.children?.get('npm-shrinkwrap.json'));
    const fromLock = devPathsFromLockfile(lock);
    const relative = fromLock ?? devPathsFromManifest(parseJson(app.children?.get('package.json')));
    const present = relative
      .map((rel) => findNode(app, rel))
      .filter((node): node is FileNode => node?.kind === 'dir')
      .sort((a, b) => a.path.localeCompare(b.path));
    const topmost = present.filter((node, i) => !present.slice(0, i).some((other) => node.path.startsWith(other.path + '/')));
    const bytes = topmost.reduce((sum, node) => sum + node.total, 0);
    if (bytes < minBytes || bytes === 0) continue;
    const byLayer = new Map<number, number>();
    for (const node of topmost) for (const [layer, n] of bytesByLayer(node)) byLayer.set(layer, (byLayer.get(layer) ?? 0) + n);
    const layer = [...byLayer].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
    const createdBy = layer === undefined ? undefined : input.fs.layers[layer]?.createdBy;
    const install = input.dockerfile?.devInstalls[0];
    const modules = posix.join(app.path, 'node_modules');
    advice.push({
      kind: 'dev-dependencies',
      title: `${String(topmost.length)} development packages in ${modules}${fromLock === undefined ? ' (direct devDependencies; no lockfile to find theirs)' : ''}`,
      path: modules,
      ...(layer !== undefined ? { layer } : {}),
      ...(createdBy !== undefined ? { createdBy } : {}),
      bytes,
      fix:
        (install !== undefined ? `line ${String(install.line)} runs \`${install.command}\`, which installs devDependencies: ` : '') +
        'install only production dependencies in the final image (`npm ci --omit=dev`), or build in an earlier stage and copy the app after `npm prune --omit=dev`',
      ...(install !== undefined ? { line: install.line } : {}),
      items: topmost
        .map((node) => ({ name: node.path.slice(modules.length + 1), bytes: node.total }))
        .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))
        .slice(0, 10),
    });
  }
  return advice;
}
