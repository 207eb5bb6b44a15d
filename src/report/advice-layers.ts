import type { Advice, AdviceInput } from './advice-types.js';
import { walkTree } from './file-tree.js';
import { shortCommand } from './format-bytes.js';
import type { ImageFileSystem, RemovedPath } from './types.js';

/** The deepest directory containing every path. */
export function commonDirectory(list: readonly string[]): string {
  const paths = [...new Set(list)];
  const first = paths[0];
  if (first === undefined) return '/';
  let parts = first.split('/').slice(0, -1);
  for (const path of paths) {
    const other = path.split('/');
    let i = 0;
    while (i < parts.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  const dir = parts.join('/');
  return paths.length === 1 ? first : dir === '' ? '/' : dir;
}

/**
 * Files every package install rewrites (dpkg and debconf databases, the linker cache, logs): their
 * old copies are the price of installing anything and no Dockerfile change avoids them, so the
 * removal and duplicate advice leaves them out.
 */
const PACKAGE_DATABASES = /^\/(var\/lib\/dpkg|var\/cache\/debconf|var\/cache\/ldconfig|var\/lib\/apt\/extended_states|var\/log|var\/lib\/apk|var\/lib\/rpm)(\/|$)|^\/etc\/ld\.so\.cache$/;

/** Smallest file the duplicate advice looks at: identical tiny files are everywhere and cheap. */
const MIN_DUPLICATE_FILE = 1024;

function layerName(fs: ImageFileSystem, index: number): string {
  const command = shortCommand(fs.layers[index]?.createdBy, 50);
  return command === '' ? `layer ${String(index)}` : `layer ${String(index)} (${command})`;
}

function items(list: ReadonlyArray<{ path: string; bytes: number }>): Array<{ name: string; bytes: number }> {
  return [...list].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path)).slice(0, 10).map((r) => ({ name: r.path, bytes: r.bytes }));
}

function groupBy<T>(list: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of list) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/**
 * Bytes a layer wrote that a later layer deleted (whiteouts, opaque directories) or rewrote with
 * other content: one advice per removing layer. Removals inside the base are the base's business
 * and left out; deleting what the base wrote saves nothing, and the advice says so.
 */
export function adviseRemovals(input: AdviceInput, minBytes: number): Advice[] {
  const { fs } = input;
  const baseLayers = input.base?.layers ?? 0;
  const relevant = fs.removed.filter((r) => r.removedBy >= baseLayers && r.sameContent !== true && !PACKAGE_DATABASES.test(r.path));
  const advice: Advice[] = [];
  for (const overwritten of [false, true]) {
    const list = relevant.filter((r) => (r.how === 'overwritten') === overwritten);
    for (const [removedBy, group] of groupBy(list, (r) => r.removedBy)) {
      const total = group.reduce((sum, r) => sum + r.bytes, 0);
      if (total < minBytes) continue;
      const byLayer = new Map<number, number>();
      for (const r of group) for (const [layer, n] of r.bytesByLayer) byLayer.set(layer, (byLayer.get(layer) ?? 0) + n);
      // Only what this image's own layers wrote can be saved; the base's bytes ship regardless.
      const own = [...byLayer].filter(([layer]) => layer >= baseLayers);
      const bytes = own.reduce((sum, [, n]) => sum + n, 0);
      const fromBase = own.length === 0;
      // Rewriting what the base shipped is what installing on top of it does: nothing to advise.
      if (fromBase && overwritten) continue;
      if (!fromBase && bytes < minBytes) continue;
      const [writer] = (fromBase ? [...byLayer] : own).sort((a, b) => b[1] - a[1] || b[0] - a[0])[0] ?? [removedBy];
      const createdBy = fs.layers[writer]?.createdBy;
      const files = group.reduce((sum, r) => sum + r.files, 0);
      advice.push({
        kind: overwritten ? 'overwritten-later' : 'deleted-later',
        title: overwritten
          ? `${String(files)} files written by ${layerName(fs, writer)} are rewritten by ${layerName(fs, removedBy)}: the first copies still ship`
          : `${String(files)} files written by ${layerName(fs, writer)} are deleted by ${layerName(fs, removedBy)}: they still ship in the earlier layer`,
        path: commonDirectory(group.map((r) => r.path)),
        layer: writer,
        ...(createdBy !== undefined ? { createdBy } : {}),
        bytes,
        fix: fromBase
          ? 'these bytes belong to the base image: deleting them in a later layer does not make the image smaller; drop that step or pick a smaller base'
          : overwritten
            ? 'write these files once: do the work of both steps in one RUN, or produce the final files in a build stage and COPY them'
            : 'delete them in the same RUN that creates them, or create them in a build stage and COPY only what the final image needs',
        items: items(group),
      });
    }
  }
  return advice;
}

/**
 * The same bytes shipped twice: files of the final image whose content a file of an earlier layer
 * also has, and files rewritten unchanged (a `chmod -R` or `chown -R` in its own RUN copies every
 * file). One advice per later layer. Needs a hashed file system.
 */
export function adviseDuplicates(input: AdviceInput, minBytes: number): Advice[] {
  const { fs } = input;
  if (!fs.hashed) return [];
  const baseLayers = input.base?.layers ?? 0;
  const byHash = new Map<string, Array<{ path: string; layer: number; size: number }>>();
  walkTree(fs.root, (node) => {
    if (node.kind !== 'file' || node.size < MIN_DUPLICATE_FILE || node.contentHash === undefined || PACKAGE_DATABASES.test(node.path)) return;
    const list = byHash.get(node.contentHash) ?? [];
    list.push({ path: node.path, layer: node.layer, size: node.size });
    byHash.set(node.contentHash, list);
  });
  const copies: Array<{ path: string; bytes: number; layer: number }> = [];
  for (const list of byHash.values()) {
    const first = Math.min(...list.map((f) => f.layer));
    for (const f of list) if (f.layer > first && f.layer >= baseLayers) copies.push({ path: f.path, bytes: f.size, layer: f.layer });
  }
  const rewritten: RemovedPath[] = fs.removed.filter((r) => r.sameContent === true && r.removedBy >= baseLayers && r.bytes >= MIN_DUPLICATE_FILE && !PACKAGE_DATABASES.test(r.path));
  for (const r of rewritten) copies.push({ path: r.path, bytes: r.bytes, layer: r.removedBy });
  const advice: Advice[] = [];
  for (const [layer, group] of groupBy(copies, (c) => c.layer)) {
    const bytes = group.reduce((sum, c) => sum + c.bytes, 0);
    if (bytes < minBytes) continue;
    const createdBy = fs.layers[layer]?.createdBy;
    advice.push({
      kind: 'duplicate-content',
      title: `${String(group.length)} files in ${layerName(fs, layer)} repeat content an earlier layer already has`,
      path: commonDirectory(group.map((c) => c.path)),
      layer,
      ...(createdBy !== undefined ? { createdBy } : {}),
      bytes,
      fix: 'ship each file once: COPY with --chown/--chmod instead of a later chown/chmod RUN, and copy or move files in the step that makes them rather than a later one',
      items: items(group),
    });
  }
  return advice;
}
