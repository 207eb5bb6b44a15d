/**
 * Go's `filepath.Match` on Unix, the wildcard syntax of COPY and ADD sources:
 *
 * - `*` is any run of characters other than `/`, `?` any one character other than `/`;
 * - `[abc]`, `[a-z]`, `[^a-z]` are character classes (a class may match `/`, as in Go);
 * - `\x` is the character x, also inside a class.
 *
 * A malformed pattern (a `\` at the end, an unterminated class, a class item that starts with `-`
 * or `]`) is an error, whatever the name: Go reports ErrBadPattern for it.
 */

type Token =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | { readonly kind: 'class'; readonly negated: boolean; readonly ranges: readonly (readonly [number, number])[] };

export class GlobSyntaxError extends Error {
  constructor(readonly pattern: string) {
    super(`syntax error in pattern ${JSON.stringify(pattern)}`);
    this.name = 'GlobSyntaxError';
  }
}

/** A compiled pattern: `test(name)` answers whether the whole name matches. */
export interface Glob {
  readonly pattern: string;
  test(name: string): boolean;
}

const cache = new Map<string, readonly Token[]>();

function tokenize(pattern: string): readonly Token[] {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  let i = 0;
  const bad = (): never => {
    throw new GlobSyntaxError(pattern);
  };
  /** One class character (possibly escaped); `-` and `]` may not start an item. */
  const classChar = (): number => {
    let ch = chars[i];
    if (ch === undefined || ch === '-' || ch === ']') return bad();
    if (ch === '\\') {
      i++;
      ch = chars[i];
      if (ch === undefined) return bad();
    }
    i++;
    // Go also rejects a class cut off right after an item
    if (i >= chars.length) return bad();
    return ch.codePointAt(0) ?? 0;
  };
  while (i < chars.length) {
    const ch = chars[i] as string;
    if (ch === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
      i++;
    } else if (ch === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (ch === '\\') {
      const next = chars[i + 1];
      if (next === undefined) bad();
      tokens.push({ kind: 'char', char: next as string });
      i += 2;
    } else if (ch === '[') {
      i++;
      const negated = chars[i] === '^';
      if (negated) i++;
      const ranges: [number, number][] = [];
      for (;;) {
        if (chars[i] === ']' && ranges.length > 0) {
          i++;
          break;
        }
        const lo = classChar();
        let hi = lo;
        if (chars[i] === '-') {
          i++;
          hi = classChar();
        }
        ranges.push([lo, hi]);
      }
      tokens.push({ kind: 'class', negated, ranges });
    } else {
      tokens.push({ kind: 'char', char: ch });
      i++;
    }
  }
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, tokens);
  return tokens;
}

function matchesToken(token: Token, ch: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === ch;
    case 'any':
      return ch !== '/';
    case 'class': {
      const code = ch.codePointAt(0) ?? 0;
      const inside = token.ranges.some(([lo, hi]) => lo <= code && code <= hi);
      return inside !== token.negated;
    }
    case 'star':
      return false;
  }
}

function matchTokens(tokens: readonly Token[], name: readonly string[]): boolean {
  // Backtracking over the last star only: a star never crosses `/`, so this is linear per segment.
  let t = 0;
  let n = 0;
  let starToken = -1;
  let starName = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token !== undefined && token.kind === 'star') {
      starToken = t++;
      starName = n;
      continue;
    }
    if (token !== undefined && matchesToken(token, name[n] as string)) {
      t++;
      n++;
      continue;
    }
    // retry: let the last star swallow one more character, unless that character is `/`
    if (starToken >= 0 && name[starName] !== '/') {
      starName++;
      t = starToken + 1;
      n = starName;
      continue;
    }
    return false;
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/** Compiles `pattern`; throws GlobSyntaxError when Go would report ErrBadPattern. */
export function compileGlob(pattern: string): Glob {
  const tokens = tokenize(pattern);
  return { pattern, test: (name) => matchTokens(tokens, Array.from(name)) };
}

/** `filepath.Match(pattern, name)`; throws GlobSyntaxError for a malformed pattern. */
export function matchGlob(pattern: string, name: string): boolean {
  return compileGlob(pattern).test(name);
}

/** Whether a path element holds an unescaped `*`, `?` or `[` (BuildKit's containsWildcards). */
export function containsWildcards(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

/**
 * Splits a clean absolute path into the part before the first element with a wildcard and the
 * rest (fsutil's splitWildcards): `/a/b*\/c` -> [`/a`, `b*\/c`]; no wildcard -> [path, ``].
 */
export function splitWildcards(path: string): { readonly literal: string; readonly pattern: string } {
  const parts = path.split('/').filter((part) => part !== '');
  const index = parts.findIndex(containsWildcards);
  if (index < 0) return { literal: '/' + parts.join('/'), pattern: '' };
  return { literal: '/' + parts.slice(0, index).join('/'), pattern: parts.slice(index).join('/') };
}

/** Removes the escaping backslashes of a literal (wildcard-free) path element. */
export function unescapeLiteral(text: string): string {
  return text.replace(/\\(.)/gsu, '$1');
}
