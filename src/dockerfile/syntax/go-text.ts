/**
 * Character classes and trimming with the exact meaning of Go's `unicode` and `strings` helpers
 * that BuildKit's parser uses. JavaScript's `\s` and `trim()` differ (they include U+FEFF and
 * exclude U+0085), so the parser never uses them on Dockerfile text.
 */

/** Go's `unicode.IsSpace`. */
export function isGoSpace(code: number): boolean {
  if (code <= 0xff) {
    return (
      code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0x85 || code === 0xa0
    );
  }
  return (
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/**
 * Go's `unicode.IsSpace(rune(b))` applied to a byte, as BuildKit's byte-wise loops (flags, the
 * HEALTHCHECK type) do, restricted to ASCII: the bytes 0x85 and 0xA0 it also treats as space only
 * occur inside multi-byte characters, which those loops would cut in half; we keep them whole.
 */
export function isAsciiSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** The characters of the `[\t\v\f\r ]` class BuildKit splits arguments on. */
export function isSplitSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0x0d;
}

/** The characters of Go's regexp `\s` class: `[\t\n\f\r ]`. */
export function isRegexpSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

/** How many characters of Go whitespace `text` starts with. */
export function leadingSpaceLength(text: string): number {
  let i = 0;
  while (i < text.length && isGoSpace(text.charCodeAt(i))) i++;
  return i;
}

/** How many characters of Go whitespace `text` ends with. */
export function trailingSpaceLength(text: string): number {
  let i = text.length;
  while (i > 0 && isGoSpace(text.charCodeAt(i - 1))) i--;
  return text.length - i;
}

/** Go's `strings.TrimSpace`. */
export function trimGoSpace(text: string): string {
  const start = leadingSpaceLength(text);
  if (start === text.length) return '';
  return text.slice(start, text.length - trailingSpaceLength(text));
}

/** Go's `strings.TrimLeftFunc(text, unicode.IsSpace)`. */
export function trimLeftGoSpace(text: string): string {
  return text.slice(leadingSpaceLength(text));
}

/**
 * Go's `reWhitespace.Split(text, limit)` with `reWhitespace = [\t\v\f\r ]+`; `limit` < 0 means
 * no limit. Empty `text` gives `[""]`, as Go does.
 */
export function splitOnSpaceRuns(text: string, limit = -1): string[] {
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    if (limit > 0 && parts.length === limit - 1) break;
    if (!isSplitSpace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && isSplitSpace(text.charCodeAt(end))) end++;
    parts.push(text.slice(start, i));
    start = end;
    i = end;
  }
  parts.push(text.slice(start));
  return parts;
}

const LETTER = /^\p{L}$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Go's `unicode.IsLetter` for one code point. */
export function isGoLetter(codePoint: number): boolean {
  if (codePoint < 0x80) {
    return (codePoint >= 0x41 && codePoint <= 0x5a) || (codePoint >= 0x61 && codePoint <= 0x7a);
  }
  return LETTER.test(String.fromCodePoint(codePoint));
}

/** Go's `unicode.IsDigit` for one code point. */
export function isGoDigit(codePoint: number): boolean {
  if (codePoint < 0x80) return codePoint >= 0x30 && codePoint <= 0x39;
  return DECIMAL_DIGIT.test(String.fromCodePoint(codePoint));
}

/** The UTF-8 length of `text` in bytes (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
