import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { unpackLayer } from '../snapshot/index.js';
import type { BuildSession, FsLayer, FsState } from './session.js';
import { crossesSymlink, literalComponents } from './source-reduction.js';

const WILDCARD = /[*?[\\]/;

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch {
    return undefined;
  }
}

/** The index of the topmost layer (of `dirs`, bottom first) that holds `parts`, and what it is there. */
async function topmostHolder(dirs: readonly string[], parts: readonly string[]): Promise<{ index: number; stats: Stats } | undefined> {
  for (let i = dirs.length - 1; i >= 0; i--) {
    const stats = await lstatOrUndefined(join(dirs[i] ?? '', ...parts));
    if (stats !== undefined) return { index: i, stats };
  }
  return undefined;
}

/**
 * The one unpacked layer a COPY --from can read its sources from directly, instead of mounting an
 * overlay of the whole stage (two helper processes and a mount per copy), or undefined when it
 * cannot be told that the layer shows exactly what the overlay would. It can when every source is
 * a literal path (no wildcard, no --parents), no layer has a symlink on the way to it, and one
 * layer holds them all, as the topmost layer that has them, with no layer above it holding even
 * the first path component (so nothing above can hide or replace them), where each is a regular
 * file, or a directory that no layer below has (so nothing below merges into it).
 */
export async function singleLayerRoot(
  fs: FsState,
  patterns: readonly string[],
  options: { readonly parents?: boolean },
  dirOf: (layer: FsLayer) => Promise<string>,
): Promise<string | undefined> {
  if (options.parents === true || patterns.length === 0 || patterns.some((p) => WILDCARD.test(p))) return undefined;
  const paths = patterns.map(literalComponents);
  if (paths.some((parts) => parts.length === 0)) return undefined;
  const dirs = await Promise.all(fs.layers.map(dirOf));
  let holder: number | undefined;
  for (const parts of paths) {
    if (await crossesSymlink(dirs, parts)) return undefined;
    const found = await topmostHolder(dirs, parts);
    if (found === undefined || (holder !== undefined && holder !== found.index)) return undefined;
    holder = found.index;
    for (let above = holder + 1; above < dirs.length; above++) {
      if ((await lstatOrUndefined(join(dirs[above] ?? '', parts[0] ?? ''))) !== undefined) return undefined;
    }
    if (found.stats.isDirectory()) {
      for (let below = 0; below < holder; below++) {
        if ((await lstatOrUndefined(join(dirs[below] ?? '', ...parts))) !== undefined) return undefined;
      }
    } else if (!found.stats.isFile()) {
      return undefined;
    }
  }
  return holder === undefined ? undefined : dirs[holder];
}

/** The unpacked directory of a layer of a stage: the one it was committed from, or unpacked once into the cache. */
export function layerDirOf(session: Pick<BuildSession, 'store' | 'signal'>): (layer: FsLayer) => Promise<string> {
  return (layer) => (layer.dir !== undefined ? Promise.resolve(layer.dir) : unpackLayer(session.store, layer.layer, { signal: session.signal }));
}
