import { relative } from 'node:path';
import { applyXattrs, isSettableXattrName, readXattrsUnder } from '../../snapshot/index.js';
import type { XattrsByPath } from '../../snapshot/index.js';

export type { XattrsByPath };

/** Names copied: those the snapshot can set, except overlayfs' own bookkeeping. */
function copied(name: string): boolean {
  return isSettableXattrName(name) && !name.startsWith('trusted.overlay.');
}

/**
 * The extended attributes of everything under the given host paths (snapshot's readXattrsUnder:
 * the native addon, or one getfattr run), keeping the names COPY carries. Symlinks are not
 * followed. Without a way to read them, or for trees without xattrs, the map is empty.
 */
export async function readSourceXattrs(paths: readonly string[]): Promise<XattrsByPath> {
  const table = new Map<string, ReadonlyMap<string, Uint8Array>>();
  for (const [path, attrs] of (await readXattrsUnder(paths)).byPath) {
    const kept = new Map([...attrs].filter(([name]) => copied(name)));
    if (kept.size > 0) table.set(path, kept);
  }
  return table;
}

/**
 * Sets extended attributes on copied paths (inside `root`), never following a final symlink.
 * BuildKit ignores attributes it cannot set; so does this, returning the first three reasons for
 * a warning.
 */
export async function writeXattrs(root: string, items: readonly { readonly path: string; readonly xattrs: ReadonlyMap<string, Uint8Array> }[]): Promise<string | undefined> {
  const refused = await applyXattrs(root, items.map((item) => ({ rel: relative(root, item.path), xattrs: item.xattrs })));
  return refused.length === 0 ? undefined : `some extended attributes could not be set: ${refused.slice(0, 3).join('; ')}`;
}
