/**
 * What the context-aware checks need to know about the build context, gathered by the caller
 * (the lint core reads no files itself).
 */
export interface IgnoreMatcher {
  /** True when some pattern re-includes files (`!pattern`). */
  readonly hasExclusions: boolean;
  /** The patterns that exclude (not the `!` ones), cleaned as the matcher uses them. */
  readonly patterns: readonly string[];
  /** Whether the context path `path` (`/`-separated, relative) or one of its parents is excluded. */
  matchesOrParentMatches(path: string): boolean;
}

export interface LintContextInfo {
  /**
   * Paths in the context, relative, `/`-separated (at least the top-level entries; a directory
   * may be given as `name` or `name/`).
   */
  readonly entries: readonly string[];
  /** The ignore file in force (`.dockerignore` or `<Dockerfile>.dockerignore`), if any. */
  readonly ignoreFile: string | undefined;
  /** Its patterns, ready to match; undefined when there is no ignore file. */
  readonly ignore: IgnoreMatcher | undefined;
  /** Reads a small text file of the context (package.json), undefined when it is absent. */
  readonly readText?: (path: string) => string | undefined;
}

/** The top-level names of a context listing (`node_modules/x/y` gives `node_modules`). */
export function topLevelNames(entries: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const entry of entries) {
    const first = entry.replace(/^\.\//, '').replace(/^\/+/, '').split('/')[0];
    if (first !== undefined && first !== '' && first !== '.') names.add(first);
  }
  return names;
}
