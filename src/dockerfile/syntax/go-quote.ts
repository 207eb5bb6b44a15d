const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

/**
 * Go's `strconv.Quote`: a double-quoted string where `"` and `\` are escaped, printable
 * characters (letters, marks, numbers, punctuation, symbols, ASCII space) stay as they are and
 * everything else becomes `\n`-style, `\xNN`, `\uNNNN` or `\UNNNNNNNN`. A lone surrogate, which
 * Go strings cannot hold, is written as U+FFFD.
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code === 0x22 || code === 0x5c) {
      out += '\\' + char;
    } else if (code >= 0x20 && code < 0x7f) {
      out += char;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += '\ufffd';
    } else if (code >= 0x80 && PRINTABLE.test(char)) {
      out += char;
    } else {
      const named = NAMED_ESCAPES[code];
      if (named !== undefined) out += named;
      else if (code < 0x20 || code === 0x7f) out += '\\x' + hex(code, 2);
      else if (code < 0x10000) out += '\\u' + hex(code, 4);
      else out += '\\U' + hex(code, 8);
    }
  }
  return out + '"';
}
