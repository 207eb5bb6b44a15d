import { execFile } from 'node:child_process';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nativeSys } from '../native/sys.js';
import { parseGetfattrOutput } from '../snapshot/index.js';
import type { FsLayer, FsState } from './session.js';

const run = promisify(execFile);
const WILDCARD = /[*?[\\]/;
const OPAQUE = 'trusted.overlay.opaque';

/** The path components of what a COPY source can read: up to the first element with a wildcard (the whole directory then). */
export function literalComponents(pattern: string): string[] {
  const parts: string[] = [];
  for (const part of pattern.split('/')) {
    if (part === '' || part === '.') continue;
    if (WILDCARD.test(part)) break;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts;
}

async function statOrUndefined(path: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await lstat(path);
  } catch {
    return undefined;
  }
}

function isOpaque(attrs: Iterable<readonly [string, Uint8Array]>): boolean {
  for (const [name, value] of attrs) if (name === OPAQUE && Buffer.from(value).toString() === 'y') return true;
  return false;
}

/** Which of `dirs` carry overlayfs' opaque marker; undefined when that cannot be told (no addon, no getfattr). */
async function opaqueDirs(dirs: readonly string[]): Promise<Set<string> | undefined> {
  if (dirs.length === 0) return new Set();
  try {
    const sys = nativeSys();
    if (sys !== undefined) return new Set((await sys.readXattrs(dirs, false)).filter(([, attrs]) => isOpaque(attrs)).map(([path]) => path));
    const { stdout } = await run('getfattr', ['-P', '-h', '-d', '-m', `^${OPAQUE.replace(/\./g, '\\.')}$`, '-e', 'text', '--absolute-names', '--', ...dirs]);
    const table = parseGetfattrOutput(stdout, '/');
    return new Set([...table].filter(([, attrs]) => isOpaque(attrs)).map(([path]) => `/${path}`));
  } catch {
    return undefined; // no getfattr, or it failed: no telling
  }
}

/**
 * Whether an unpacked layer (overlay form: whiteouts are 0/0 devices, replaced directories are
 * opaque) changes what `parts` names: the path itself is in it, something above it is not a
 * plain directory there (replaced, deleted), or a directory above it is opaque. Undefined when it
 * cannot be told.
 */
async function layerTouches(dir: string, parts: readonly string[]): Promise<boolean | undefined> {
  if (parts.length === 0) return true;
  const ancestors: string[] = [];
  let current = dir;
  for (const [i, part] of parts.entries()) {
    current = join(current, part);
    const stats = await statOrUndefined(current);
    if (stats === undefined) break;
    if (i === parts.length - 1 || !stats.isDirectory()) return true;
    ancestors.push(current);
  }
  const opaque = await opaqueDirs(ancestors);
  return opaque === undefined ? undefined : opaque.size > 0;
}

/** Whether some prefix of `parts` is a symlink in any of the layers (then a path can be reached another way). */
export async function crossesSymlink(dirs: readonly string[], parts: readonly string[]): Promise<boolean> {
  for (const dir of dirs) {
    let current = dir;
    for (const part of parts) {
      current = join(current, part);
      const stats = await statOrUndefined(current);
      if (stats === undefined) break;
      if (stats.isSymbolicLink()) return true;
    }
  }
  return false;
}

/**
 * The smallest file system below `fs` that shows the same files at `patterns`: the top layers a
 * build made that touch none of those paths are left out. A COPY --from whose files an unrelated
 * change in the source stage did not touch (node_modules after app.js changed) then has the same
 * reduced file system, so its remembered digest is found without reading the files again.
 * Layers of the base image are never left out; any doubt (a symlink on the way, no getfattr)
 * keeps the layer.
 */
export async function reduceForPaths(fs: FsState, patterns: readonly string[], dirOf: (layer: FsLayer) => Promise<string>): Promise<FsState> {
  const paths = patterns.map(literalComponents);
  if (paths.some((p) => p.length === 0)) return fs;
  const dirs = await Promise.all(fs.layers.map(dirOf));
  for (const parts of paths) if (await crossesSymlink(dirs, parts)) return fs;
  let reduced = fs;
  for (let i = fs.layers.length - 1; i >= 0; i--) {
    const layer = fs.layers[i];
    const dir = dirs[i];
    if (layer?.below === undefined || dir === undefined) break;
    let touched = false;
    for (const parts of paths) {
      const answer = await layerTouches(dir, parts);
      if (answer !== false) {
        touched = true;
        break;
      }
    }
    if (touched) break;
    reduced = { key: layer.below, layers: fs.layers.slice(0, i) };
  }
  return reduced;
}
