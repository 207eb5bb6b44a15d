import { CompiledRegexp } from './go-regexp-match.js';
import { parseGoRegexp } from './go-regexp-parse.js';

/**
 * One cleaned .dockerignore pattern, matched as moby/patternmatcher matches it. The pattern is
 * turned into a Go regexp: `*` is any run of non-`/` characters, `?` one non-`/` character,
 * `**` any number of path elements, `\x` escapes x, `[...]` is a class; `.+()$` are literal,
 * while `|{}` keep their regexp meaning (see LITERAL_META). Patterns without wildcards compare
 * as strings; `prefix/**` and `**` + `suffix` have fast paths, as in patternmatcher.
 */
export type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

// The regexp metacharacters patternmatcher escapes. It means to escape `.+()|{}$`, but its
// lookup table (a bit per character in 8 bytes) only holds characters below 64, so `|`, `{` and
// `}` reach the regexp raw: `a|b` is an alternation and `a{2}` a repetition in Docker, too.
const LITERAL_META = new Set(['.', '+', '(', ')', '$']);

export interface CompiledPattern {
  readonly kind: MatchKind;
  /** The Go regexp source (only for `regexp`). */
  readonly source: string;
}

/** Translates a cleaned pattern (without its `!`) the way patternmatcher's compile does. */
export function translatePattern(pattern: string): CompiledPattern {
  const chars = Array.from(pattern);
  let source = '^';
  let kind: MatchKind = 'exact';
  for (let i = 0, step = 0; i < chars.length; step++) {
    const ch = chars[i++] as string;
    if (ch === '*') {
      if (chars[i] === '*') {
        i++;
        if (chars[i] === '/') i++; // `**/` is read as `**`
        if (i >= chars.length) {
          // a trailing `**` matches everything below
          if (kind === 'exact') kind = 'prefix';
          else {
            source += '.*';
            kind = 'regexp';
          }
        } else {
          source += '(.*/)?';
          kind = 'regexp';
        }
        if (step === 0) kind = 'suffix';
      } else {
        source += '[^/]*';
        kind = 'regexp';
      }
    } else if (ch === '?') {
      source += '[^/]';
      kind = 'regexp';
    } else if (LITERAL_META.has(ch)) {
      source += '\\' + ch;
    } else if (ch === '\\') {
      const escaped = chars[i];
      if (escaped !== undefined) {
        source += '\\' + escaped;
        i++;
        kind = 'regexp';
      } else {
        source += '\\';
      }
    } else if (ch === '[' || ch === ']') {
      source += ch;
      kind = 'regexp';
    } else {
      source += ch;
    }
  }
  return { kind, source: kind === 'regexp' ? source + '$' : source };
}

/** A predicate answering whether a slash-separated relative path matches `pattern`. */
export function compilePatternMatch(pattern: string): (path: string) => boolean {
  const { kind, source } = translatePattern(pattern);
  switch (kind) {
    case 'exact':
      return (path) => path === pattern;
    case 'prefix': {
      const prefix = pattern.slice(0, -2);
      return (path) => path.startsWith(prefix);
    }
    case 'suffix': {
      const suffix = pattern.slice(2);
      // `**/foo` also matches `foo` itself
      const bare = suffix.startsWith('/') ? suffix.slice(1) : undefined;
      return (path) => path.endsWith(suffix) || path === bare;
    }
    case 'regexp': {
      const regexp = new CompiledRegexp(parseGoRegexp(source));
      return (path) => regexp.test(path);
    }
  }
}
