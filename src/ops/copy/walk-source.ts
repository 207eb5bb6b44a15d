import type { PatternMatcher } from '../../context/index.js';
import { compileGlob, GlobSyntaxError } from './go-glob.js';
import type { Limiter } from '../../util/limiter.js';
import type { SourceEntry } from './selection.js';
import type { SourceStat, SourceTree } from './source-tree.js';

export interface WalkFilters {
  /** `--parents` patterns: only what they match (a matched directory brings everything in it). */
  readonly include?: PatternMatcher;
  /** `--exclude` patterns, relative to the source directory. */
  readonly exclude?: PatternMatcher;
  /** Gives each entry uid/gid 0 (the build context: BuildKit sends it without owners). */
  readonly rootOwned: boolean;
  readonly limit: Limiter;
  readonly signal?: AbortSignal;
}

function owned(stat: SourceStat, rootOwned: boolean): SourceStat {
  return rootOwned ? { ...stat, uid: 0, gid: 0 } : stat;
}

export function toEntry(rel: string, stat: SourceStat, rootOwned: boolean): SourceEntry {
  return { ...owned(stat, rootOwned), rel };
}

/**
 * Whether an include pattern could match something below directory `dir` (relative): decided
 * element by element while the pattern's elements are plain names or simple globs; a `**` or a
 * malformed glob answers yes (the walk then looks). Keeps `COPY --parents x/a.txt` from walking
 * the whole context.
 */
export function mayIncludeBelow(dir: string, include: PatternMatcher): boolean {
  const parts = dir.split('/');
  return include.patterns.some((p) => {
    if (p.exclusion) return true;
    const elements = p.pattern.split('/');
    for (let k = 0; k < parts.length; k++) {
      const element = elements[k];
      if (element === undefined) return false;
      if (element.includes('**')) return true;
      try {
        if (!compileGlob(element).test(parts[k] as string)) return false;
      } catch (error) {
        if (error instanceof GlobSyntaxError) return true;
        throw error;
      }
    }
    return true;
  });
}

/**
 * Lists everything inside the directory `base` (a resolved path of `tree`) the way fsutil's copier
 * visits it: symlinks are not followed, an included directory brings all it holds (unless
 * excluded), and a directory that is not itself included appears only as the parent of something
 * that is. Entries come parents first, names in byte order.
 */
export async function walkSourceDir(tree: SourceTree, base: string, filters: WalkFilters): Promise<SourceEntry[]> {
  const hostRel = (rel: string): string => (base === '' ? rel : rel === '' ? base : `${base}/${rel}`);

  const visit = async (dir: string, dirIncluded: boolean): Promise<SourceEntry[]> => {
    filters.signal?.throwIfAborted();
    const names = await filters.limit(() => tree.readdir(hostRel(dir)));
    const children = await Promise.all(
      names.map(async (name): Promise<SourceEntry[]> => {
        const rel = dir === '' ? name : `${dir}/${name}`;
        const stat = await filters.limit(() => tree.lstat(hostRel(rel)));
        if (stat === undefined) return []; // vanished meanwhile
        let included = dirIncluded || (filters.include?.matches(rel) ?? true);
        const excluded = filters.exclude?.matches(rel) ?? false;
        if (excluded) included = false;
        if (stat.type !== 'dir') return included ? [toEntry(rel, stat, filters.rootOwned)] : [];
        if (included) return [toEntry(rel, stat, filters.rootOwned), ...(await visit(rel, filters.include !== undefined))];
        // not included itself: look inside only if something below can still be included
        if (excluded && !(filters.exclude?.hasExclusions ?? false)) return [];
        if (!excluded && filters.include !== undefined && !mayIncludeBelow(rel, filters.include)) return [];
        const below = await visit(rel, false);
        return below.length === 0 ? [] : [toEntry(rel, stat, filters.rootOwned), ...below];
      }),
    );
    return children.flat();
  };
  return visit('', false);
}
