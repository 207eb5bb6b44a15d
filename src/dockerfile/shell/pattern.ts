import { ExpansionProblem } from './problem.js';
import { CodePointScanner, showChar } from './scanner.js';

/**
 * Shell patterns of `${V#p}`, `${V%p}` and `${V/p/r}`, with BuildKit's rules: `*` is any run of
 * characters, `?` one character, a backslash escapes `*`, `?` or `\` (and is dropped before `}`
 * or `/`, which it protected from the lexer). Bracket expressions are NOT supported: `[` is
 * literal, as in BuildKit. Like Go's `.`, wildcards never match a newline.
 */
const REGEX_SPECIAL = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);
const ESCAPABLE = new Set(['*', '?', '\\']);

function compilePattern(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const scanner = new CodePointScanner(pattern);
  let source = anchored ? '^' : '';
  for (let tok = scanner.next(); tok !== undefined; tok = scanner.next()) {
    if (tok === '*') {
      source += greedy ? '[^\\n]*' : '[^\\n]*?';
    } else if (tok === '?') {
      source += '[^\\n]';
    } else if (tok === '\\') {
      const following = scanner.peek();
      if (following === '}' || following === '/') continue;
      const escaped = scanner.next();
      if (escaped === undefined || !ESCAPABLE.has(escaped)) {
        throw new ExpansionProblem(
          `invalid pattern (${pattern}) in substitution: invalid escape '\\${showChar(escaped)}'`,
        );
      }
      source += '\\' + escaped;
    } else {
      source += REGEX_SPECIAL.has(tok) ? '\\' + tok : tok;
    }
  }
  // No capturing groups are ever produced: group 0 is the only group (see expandTemplate).
  return new RegExp(source, 'gu');
}

function reverseText(text: string): string {
  return Array.from(text).reverse().join('');
}

/** Reverses a pattern keeping each `\x` escape pair in order (`a\*c` -> `c\*a`). */
export function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last; ) {
    const tok = chars[i] as string;
    const at = last - i;
    if (tok === '\\' && i !== last) {
      out[at - 1] = tok;
      out[at] = chars[i + 1] as string;
      i += 2;
    } else {
      out[at] = tok;
      i++;
    }
  }
  return out.join('');
}

/** `${V#p}` (shortest) and `${V##p}` (longest): drop the matching prefix of `value`. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const re = compilePattern(pattern, greedy, true);
  const match = re.exec(value);
  return match === null ? value : value.slice(match.index + match[0].length);
}

/** `${V%p}` (shortest) and `${V%%p}` (longest): drop the matching suffix of `value`. */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverseText(trimPrefix(reversePattern(pattern), reverseText(value), greedy));
}

/** `${V/p/r}`: the first (leftmost, longest) match of `p` is replaced by `r` as is. */
export function replaceFirst(pattern: string, value: string, replacement: string): string {
  const re = compilePattern(pattern, true, false);
  const match = re.exec(value);
  if (match === null) return value;
  return value.slice(0, match.index) + replacement + value.slice(match.index + match[0].length);
}

/**
 * `${V//p/r}`: every match is replaced, with Go's `Regexp.ReplaceAllString` rules (BuildKit's
 * engine): an empty match right after a previous match is not replaced, and `r` is a template
 * where `$0`/`${0}` is the matched text, `$$` a dollar, and other `$name` references are empty.
 */
export function replaceAll(pattern: string, value: string, replacement: string): string {
  const re = compilePattern(pattern, true, false);
  let out = '';
  let lastEnd = 0;
  let searchFrom = 0;
  while (searchFrom <= value.length) {
    re.lastIndex = searchFrom;
    const match = re.exec(value);
    if (match === null) break;
    const start = match.index;
    const end = start + match[0].length;
    out += value.slice(lastEnd, start);
    if (end > lastEnd || start === 0) out += expandTemplate(replacement, match[0]);
    lastEnd = end;
    const code = value.codePointAt(searchFrom);
    const width = code === undefined ? 0 : code > 0xffff ? 2 : 1;
    if (searchFrom + width > end) searchFrom += width;
    else if (searchFrom + 1 > end) searchFrom++;
    else searchFrom = end;
  }
  return out + value.slice(lastEnd);
}

const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;

/** Go's regexp template expansion, for a regexp whose only group is the whole match. */
function expandTemplate(template: string, matched: string): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) break;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = readTemplateRef(rest);
    if (ref === undefined) {
      out += '$';
      continue;
    }
    rest = ref.rest;
    if (ref.name === '0') out += matched;
  }
  return out + rest;
}

function readTemplateRef(text: string): { name: string; rest: string } | undefined {
  const braced = text.startsWith('{');
  const chars = Array.from(braced ? text.slice(1) : text);
  let name = '';
  for (const ch of chars) {
    if (!NAME_CHAR.test(ch)) break;
    name += ch;
  }
  if (name === '') return undefined;
  let consumed = (braced ? 1 : 0) + name.length;
  if (braced) {
    if (text[consumed] !== '}') return undefined;
    consumed++;
  }
  return { name, rest: text.slice(consumed) };
}
