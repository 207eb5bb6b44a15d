/**
 * Reads a string one Unicode code point at a time, the way Go's text/scanner `Next`/`Peek` do
 * (which BuildKit's lexer uses): a byte-order mark as the very first character is skipped.
 * `undefined` stands for the end of the input.
 */
export class CodePointScanner {
  private readonly chars: readonly string[];
  private index: number;

  constructor(text: string) {
    this.chars = Array.from(text);
    this.index = this.chars[0] === '\uFEFF' ? 1 : 0;
  }

  peek(): string | undefined {
    return this.chars[this.index];
  }

  next(): string | undefined {
    const ch = this.chars[this.index];
    if (ch !== undefined) this.index++;
    return ch;
  }

  get atEnd(): boolean {
    return this.index >= this.chars.length;
  }
}

/** Go prints the end-of-input rune (-1) as U+FFFD in messages; so do we, to stay recognisable. */
export function showChar(ch: string | undefined): string {
  return ch ?? '\uFFFD';
}
