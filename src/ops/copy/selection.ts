import type { SourceStat } from './source-tree.js';

/**
 * One path a COPY reads, relative to the source it belongs to: `''` is the source itself (a file,
 * or the directory whose contents are copied), `a/b` something inside that directory.
 */
export interface SourceEntry extends SourceStat {
  readonly rel: string;
}

/**
 * One top-level source of a COPY or ADD after wildcards, symlinks and ignore rules, with
 * everything it will copy listed (parents before children, byte order), so the cache key and the
 * copy see the same files. BuildKit copies each one as its own step, in order.
 */
export interface SelectedSource {
  /** The source as written in the Dockerfile (after variable expansion). */
  readonly pattern: string;
  /** The matched path, absolute and clean, as the user names it (symlinks not followed): `/app/a.txt`. */
  readonly path: string;
  /** The name a file gets inside a destination directory (the last element of `path`). */
  readonly name: string;
  /** The host directory the source tree lives in (context dir, stage rootfs, staging dir). */
  readonly root: string;
  /** `path` with its symlinks followed inside `root`, relative to it (`''` = the root). */
  readonly resolved: string;
  /** True for a directory: its contents are copied, not the directory itself. */
  readonly contents: boolean;
  /** entries[0] is the source itself (rel `''`); then, for a directory, what it holds. */
  readonly entries: readonly SourceEntry[];
}

/** The host path of an entry. */
export function entryHostPath(source: SelectedSource, entry: SourceEntry): string {
  const rel = [source.resolved, entry.rel].filter((part) => part !== '').join('/');
  return rel === '' ? source.root : `${source.root}/${rel}`;
}

/** Counts what a selection holds (for progress and tests). */
export function selectionTotals(selection: readonly SelectedSource[]): { readonly files: number; readonly bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const source of selection) {
    for (const entry of source.entries) {
      if (entry.type === 'dir') continue;
      files++;
      if (entry.type === 'file') bytes += entry.size;
    }
  }
  return { files, bytes };
}
