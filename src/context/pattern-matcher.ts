import { BuildError } from '../errors/index.js';
import { cleanPath } from './clean-path.js';
import { globSyntaxProblem } from './glob-syntax.js';
import { RegexSyntaxError } from './go-regexp-parse.js';
import { compilePatternMatch } from './ignore-pattern.js';
import { trimSpace } from './white-space.js';

export interface IgnorePattern {
  /** The cleaned pattern, without its `!`. */
  readonly pattern: string;
  /** True for a `!pattern` exception, which re-includes what earlier patterns excluded. */
  readonly exclusion: boolean;
  readonly matches: (path: string) => boolean;
}

/**
 * Per-pattern results for a directory, handed to its children: a directory that matched
 * pattern k makes everything below it match pattern k too (the parent-directory rule).
 */
export type ParentMatches = readonly boolean[];

function invalid(pattern: string, reason: string): BuildError {
  return new BuildError('INVALID_IGNORE_PATTERN', `invalid .dockerignore pattern ${JSON.stringify(pattern)}: ${reason}`, {
    details: { pattern, reason },
    hint: 'patterns use Go filepath.Match syntax plus `**`; escape a literal `[`, `*` or `?` with a backslash',
  });
}

function compile(raw: string): IgnorePattern | undefined {
  const trimmed = trimSpace(raw);
  if (trimmed === '') return undefined;
  let pattern = cleanPath(trimmed);
  const exclusion = pattern.startsWith('!');
  if (exclusion) {
    if (pattern.length === 1) throw invalid(raw, 'illegal exclusion pattern: "!"');
    pattern = pattern.slice(1);
  }
  const problem = globSyntaxProblem(pattern);
  if (problem !== undefined) throw invalid(raw, `syntax error in pattern (${problem})`);
  try {
    return { pattern, exclusion, matches: compilePatternMatch(pattern) };
  } catch (error) {
    if (error instanceof RegexSyntaxError) throw invalid(raw, `syntax error in pattern (${error.message})`);
    throw error;
  }
}

/**
 * Docker's .dockerignore matcher (moby/patternmatcher): patterns apply in order, the last one
 * that matches a path decides, `!` patterns re-include, and a path is also matched by a pattern
 * that matches one of its parent directories. Throws INVALID_IGNORE_PATTERN naming a bad pattern.
 */
export class PatternMatcher {
  readonly patterns: readonly IgnorePattern[];
  /** Whether any pattern is an exception (`!`). */
  readonly hasExclusions: boolean;

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.map(compile).filter((p): p is IgnorePattern => p !== undefined);
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
  }

  /** Whether `path` (relative, `/`-separated, clean) is ignored, checking its parents too. */
  matches(path: string): boolean {
    const parents = parentPaths(path);
    let matched = false;
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue;
      if (pattern.matches(path) || parents.some((parent) => pattern.matches(parent))) {
        matched = !pattern.exclusion;
      }
    }
    return matched;
  }

  /**
   * The walker's form of `matches`: the parent directory's per-pattern results stand in for
   * checking every parent again (patternmatcher's MatchesUsingParentResults). Pass `undefined`
   * for a top-level path.
   */
  matchesWithParent(
    path: string,
    parent: ParentMatches | undefined,
  ): { readonly matched: boolean; readonly perPattern: ParentMatches } {
    const perPattern = new Array<boolean>(this.patterns.length).fill(false);
    let matched = false;
    this.patterns.forEach((pattern, k) => {
      let hit = parent?.[k] ?? false;
      if (!hit) {
        if (pattern.exclusion !== matched) return;
        hit = pattern.matches(path);
        if (!hit && parent === undefined) hit = parentPaths(path).some((p) => pattern.matches(p));
      }
      perPattern[k] = hit;
      if (hit) matched = !pattern.exclusion;
    });
    return { matched, perPattern };
  }
}

/** `a/b/c` -> [`a`, `a/b`]. */
function parentPaths(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let k = 1; k < parts.length; k++) out.push(parts.slice(0, k).join('/'));
  return out;
}
