import type { PatternMatcher } from '../../context/index.js';
import { compileGlob, GlobSyntaxError } from './go-glob.js';
import type { SourceEntry } from './selection.js';
import type { SourceStat, SourceTree } from './source-tree.js';

export interface WalkFilters {
  /** `--parents` patterns: only what they match (a matched directory brings everything in it). */
  readonly include?: PatternMatcher;
  /** `--exclude` patterns, relative to the source directory. */
  readonly exclude?: PatternMatcher;
  /** Gives each entry uid/gid 0 (the build context: BuildKit sends it without owners). */
  readonly rootOwned: boolean;
  readonly signal?: AbortSignal;
}

export function toEntry(rel: string, stat: SourceStat, rootOwned: boolean): SourceEntry {
  return rootOwned ? { ...stat, uid: 0, gid: 0, rel } : { ...stat, rel };
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

/** Entries listed between two turns of the event loop (so a huge walk does not starve the rest of the build). */
const ENTRIES_PER_TURN = 4096;

/**
 * Lists everything inside the directory `base` (a resolved path of `tree`) the way fsutil's copier
 * visits it: symlinks are not followed, an included directory brings all it holds (unless
 * excluded), and a directory that is not itself included appears only as the parent of something
 * that is. Entries come parents first, names in byte order.
 *
 * The walk uses direct (synchronous) stats: a promise per name through a limiter cost more than
 * the stat itself (a 5,000-file context: ~150 ms of promises and garbage for ~30 ms of stats). It
 * yields to the event loop every few thousand entries and checks the abort signal there.
 */
export async function walkSourceDir(tree: SourceTree, base: string, filters: WalkFilters): Promise<SourceEntry[]> {
  const hostRel = (rel: string): string => (base === '' ? rel : rel === '' ? base : `${base}/${rel}`);
  const out: SourceEntry[] = [];
  let sinceTurn = 0;
  // awaited only every ENTRIES_PER_TURN entries: an await per entry costs more than its lstat
  const turn = async (): Promise<void> => {
    sinceTurn = 0;
    await new Promise<void>((go) => setImmediate(go));
    filters.signal?.throwIfAborted();
  };

  /** Appends what `dir` holds to `out`; returns whether it appended anything. */
  const visit = async (dir: string, dirIncluded: boolean): Promise<boolean> => {
    filters.signal?.throwIfAborted();
    const before = out.length;
    const hostDir = hostRel(dir);
    for (const name of tree.readdirSync(hostDir)) {
      if (++sinceTurn >= ENTRIES_PER_TURN) await turn();
      const rel = dir === '' ? name : `${dir}/${name}`;
      const stat = tree.lstatSync(hostRel(rel), tree.childHostPath(hostDir, name));
      if (stat === undefined) continue; // vanished meanwhile
      let included = dirIncluded || (filters.include?.matches(rel) ?? true);
      const excluded = filters.exclude?.matches(rel) ?? false;
      if (excluded) included = false;
      if (stat.type !== 'dir') {
        if (included) out.push(toEntry(rel, stat, filters.rootOwned));
        continue;
      }
      if (included) {
        out.push(toEntry(rel, stat, filters.rootOwned));
        await visit(rel, filters.include !== undefined);
        continue;
      }
      // not included itself: look inside only if something below can still be included
      if (excluded && !(filters.exclude?.hasExclusions ?? false)) continue;
      if (!excluded && filters.include !== undefined && !mayIncludeBelow(rel, filters.include)) continue;
      // listed only as the parent of what it holds: put it in place, take it out if nothing follows
      const at = out.length;
      out.push(toEntry(rel, stat, filters.rootOwned));
      if (!(await visit(rel, false))) out.length = at;
    }
    return out.length > before;
  };
  await visit('', false);
  return out;
}
