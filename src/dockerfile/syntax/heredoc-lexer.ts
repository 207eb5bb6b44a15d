import { isGoDigit, isGoLetter, isGoSpace } from './go-text.js';

/**
 * The word splitter BuildKit runs over an instruction line to find heredoc markers: its shell
 * lexer with the escape character `\`, no variables set and unset ones left as written (so
 * `$X`, `${X:-y}` come out as text), optionally keeping quotes and escapes in the words.
 *
 * This is deliberately separate from ../shell (which expands words for instructions): the
 * parser needs only this narrow, non-expanding use, and must reproduce its quirks exactly, such
 * as `<<` swallowing the spaces after it and nested `${...}` restarting the current word.
 */

const EOF = -1;
const ESCAPE = 0x5c; // `\`: heredoc lexing ignores the escape directive, as BuildKit does.

export class HeredocLexError extends Error {
  override readonly name = 'HeredocLexError';
}

/**
 * How deeply `${...}` and quotes may nest. BuildKit (Go, growable stacks) has no limit; a
 * recursive scanner in JavaScript must have one, far beyond any real Dockerfile.
 */
export const MAX_HEREDOC_LEX_NESTING = 500;

/** Thrown when a line nests deeper than MAX_HEREDOC_LEX_NESTING. */
export class HeredocNestingError extends Error {
  override readonly name = 'HeredocNestingError';
}

/** A word with its offsets (start inclusive, end exclusive) in the lexed text. */
export interface LexedWord {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export interface HeredocLexOptions {
  /** Keep quote characters in the words. */
  readonly rawQuotes: boolean;
  /** Keep escape characters in the words. */
  readonly rawEscapes: boolean;
}

/** Splits `text` into shell words. Throws HeredocLexError on unbalanced quotes or `${`. */
export function lexShellWords(text: string, options: HeredocLexOptions): LexedWord[] {
  return new Lexer(text, options).run();
}

/** The buffer of the word being built; shared by nested scans, as in BuildKit. */
interface SharedBuffer {
  value: string;
}

class Words {
  readonly words: LexedWord[] = [];
  private inWord = false;
  private start = 0;

  constructor(
    private readonly buffer: SharedBuffer,
    private readonly lexer: Lexer,
  ) {}

  addChar(char: string, code: number): void {
    if (isGoSpace(code)) {
      if (this.inWord && this.buffer.value.length !== 0) this.flush(this.lexer.tokenStart);
    } else {
      this.addRaw(char);
    }
  }

  addRaw(text: string): void {
    if (this.buffer.value.length === 0) this.start = this.lexer.tokenStart;
    this.buffer.value += text;
    this.inWord = true;
  }

  addString(text: string): void {
    for (const char of text) this.addChar(char, char.codePointAt(0) ?? 0);
  }

  finish(): LexedWord[] {
    if (this.buffer.value.length > 0) this.flush(this.lexer.position);
    return this.words;
  }

  private flush(end: number): void {
    this.words.push({ text: this.buffer.value, start: this.start, end });
    this.buffer.value = '';
    this.inWord = false;
  }
}

class Lexer {
  position = 0;
  tokenStart = 0;
  private rawEscapes: boolean;
  private depth = 0;
  private readonly rawQuotes: boolean;
  private readonly buffer: SharedBuffer = { value: '' };

  constructor(
    private readonly text: string,
    options: HeredocLexOptions,
  ) {
    this.rawQuotes = options.rawQuotes;
    this.rawEscapes = options.rawEscapes;
    // Go's text/scanner drops a byte-order mark at the start of its input.
    if (text.charCodeAt(0) === 0xfeff) this.position = 1;
  }

  run(): LexedWord[] {
    return this.scanUntil(EOF, this.rawEscapes).words;
  }

  private peek(): number {
    return this.position < this.text.length ? (this.text.codePointAt(this.position) ?? EOF) : EOF;
  }

  private next(): number {
    const code = this.peek();
    if (code !== EOF) this.position += code > 0xffff ? 2 : 1;
    return code;
  }

  private scanUntil(stop: number, rawEscapes: boolean): { result: string; words: LexedWord[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    if (++this.depth > MAX_HEREDOC_LEX_NESTING) {
      throw new HeredocNestingError(
        `\${...} nested more than ${MAX_HEREDOC_LEX_NESTING} deep`,
      );
    }
    try {
      this.buffer.value = '';
      const words = new Words(this.buffer, this);
      let result = '';
      while (this.peek() !== EOF) {
        const start = this.position;
        this.tokenStart = start;
        let code = this.peek();
        if (stop !== EOF && code === stop) {
          this.next();
          return { result, words: words.finish() };
        }
        const special = this.special(code);
        this.tokenStart = start;
        if (special !== undefined) {
          result += special;
          if (code === 0x24 /* $ */) words.addString(special);
          else words.addRaw(special);
          continue;
        }
        code = this.next();
        if (code === ESCAPE) {
          if (this.rawEscapes) {
            words.addRaw('\\');
            result += '\\';
          }
          code = this.next();
          if (code === EOF) break;
          words.addRaw(String.fromCodePoint(code));
        } else {
          words.addChar(String.fromCodePoint(code), code);
        }
        result += String.fromCodePoint(code);
      }
      if (stop !== EOF) {
        throw new HeredocLexError(
          `unexpected end of statement while looking for matching ${String.fromCodePoint(stop)}`,
        );
      }
      return { result, words: words.finish() };
    } finally {
      this.rawEscapes = saved;
      this.depth--;
    }
  }

  private special(code: number): string | undefined {
    switch (code) {
      case 0x24:
        return this.dollar();
      case 0x3c:
        return this.possibleHeredoc();
      case 0x27:
        return this.singleQuote();
      case 0x22:
        return this.doubleQuote();
      default:
        return undefined;
    }
  }

  private singleQuote(): string {
    let result = this.rawQuotes ? "'" : '';
    this.next();
    for (;;) {
      const code = this.next();
      if (code === EOF) {
        throw new HeredocLexError(
          'unexpected end of statement while looking for matching single-quote',
        );
      }
      if (code === 0x27) return this.rawQuotes ? result + "'" : result;
      result += String.fromCodePoint(code);
    }
  }

  private doubleQuote(): string {
    let result = this.rawQuotes ? '"' : '';
    this.next();
    for (;;) {
      const peeked = this.peek();
      if (peeked === EOF) {
        throw new HeredocLexError(
          'unexpected end of statement while looking for matching double-quote',
        );
      }
      if (peeked === 0x22) {
        this.next();
        return this.rawQuotes ? result + '"' : result;
      }
      if (peeked === 0x24) {
        result += this.dollar();
        continue;
      }
      let code = this.next();
      if (code === ESCAPE) {
        if (this.rawEscapes) result += '\\';
        const after = this.peek();
        if (after === EOF) continue;
        if (after === 0x22 || after === 0x24 || after === ESCAPE) code = this.next();
      }
      result += String.fromCodePoint(code);
    }
  }

  /** `$name` and `${...}` with nothing set: they come back as written (modifier words scanned). */
  private dollar(): string {
    this.next();
    if (this.peek() !== 0x7b /* { */) {
      const name = this.name();
      return name === '' ? '$' : '$' + name;
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new HeredocLexError("syntax error: missing '}'");
    if (first === 0x7b || first === 0x7d || first === 0x3a) {
      throw new HeredocLexError('syntax error: bad substitution');
    }
    const name = this.name();
    let code = this.next();
    let modifier = code === EOF ? '\ufffd' : String.fromCodePoint(code);
    let nullIsUnset = false;
    switch (code) {
      case 0x7d: // }
        return '${' + name + '}';
      case 0x3a: // :
        nullIsUnset = true;
        code = this.next();
        modifier += code === EOF ? '\ufffd' : String.fromCodePoint(code);
        return this.modifierWord(name, modifier, code, nullIsUnset);
      case 0x2b: // +
      case 0x2d: // -
      case 0x3f: // ?
      case 0x23: // #
      case 0x25: // %
        return this.modifierWord(name, modifier, code, nullIsUnset);
      case 0x2f: {
        // /
        if (this.peek() === 0x2f) this.next();
        const pattern = this.scanUntil(0x2f, true).result;
        const replacement = this.scanUntil(0x7d, true).result;
        return '${' + name + '/' + pattern + '/' + replacement + '}';
      }
      default:
        throw new HeredocLexError(`unsupported modifier (${modifier}) in substitution`);
    }
  }

  private modifierWord(name: string, modifier: string, code: number, nullIsUnset: boolean): string {
    const rawEscapes = code === 0x23 || code === 0x25;
    if (nullIsUnset && rawEscapes) {
      throw new HeredocLexError(`unsupported modifier (${modifier}) in substitution`);
    }
    const word = this.scanUntil(0x7d, rawEscapes).result;
    return '${' + name + modifier + word + '}';
  }

  private name(): string {
    let name = '';
    for (;;) {
      const code = this.peek();
      if (code === EOF) return name;
      if (name === '' && isGoDigit(code)) {
        while (this.peek() !== EOF && isGoDigit(this.peek())) {
          name += String.fromCodePoint(this.next());
        }
        return name;
      }
      if (name === '' && isSpecialParameter(code)) {
        this.next();
        return String.fromCodePoint(code);
      }
      if (!isGoLetter(code) && !isGoDigit(code) && code !== 0x5f) return name;
      name += String.fromCodePoint(this.next());
    }
  }

  private possibleHeredoc(): string {
    this.next();
    if (this.peek() !== 0x3c) return '<';
    this.next();
    let spaces = '';
    for (;;) {
      const code = this.peek();
      if (code !== 0x09 && code !== 0x0d && code !== 0x20) break;
      spaces += String.fromCodePoint(this.next());
    }
    return '<<' + spaces;
  }
}

function isSpecialParameter(code: number): boolean {
  // @ * # ? - $ ! 0
  return (
    code === 0x40 ||
    code === 0x2a ||
    code === 0x23 ||
    code === 0x3f ||
    code === 0x2d ||
    code === 0x24 ||
    code === 0x21 ||
    code === 0x30
  );
}
