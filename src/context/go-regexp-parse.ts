/**
 * A parser for the Go regular expressions (RE2 syntax, Perl flags, no `(?` groups) that
 * moby/patternmatcher builds from .dockerignore patterns. Those regexps embed the user's pattern
 * text, so a character class, an escape such as `\d`, or a POSIX class `[[:alpha:]]` in a
 * pattern has Go's meaning; this parser gives it the same meaning. The result is matched by
 * go-regexp-match.ts in linear time. `(?` flag groups are not supported: patternmatcher always
 * escapes `(`, so they cannot occur.
 */

import type { CharSet } from './go-regexp-charsets.js';
import {
  ANY_BUT_NEWLINE,
  code,
  isAlnum,
  isOctal,
  MAX_RUNE,
  negate,
  PERL_CLASSES,
  POSIX_CLASSES,
  ranges,
  RegexSyntaxError,
  unicodeClass,
} from './go-regexp-charsets.js';

export { RegexSyntaxError } from './go-regexp-charsets.js';
export type { CharSet } from './go-regexp-charsets.js';


export type RegexNode =
  | { readonly kind: 'char'; readonly set: CharSet }
  | { readonly kind: 'assert'; readonly what: 'begin' | 'end' | 'word' | 'not-word' }
  | { readonly kind: 'seq'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alt'; readonly options: readonly RegexNode[] }
  | { readonly kind: 'repeat'; readonly node: RegexNode; readonly min: number; readonly max: number };

/** Go's limit on counted repetition (`x{1001}` is an error). */
const MAX_REPEAT = 1000;


class Parser {
  private readonly chars: readonly string[];
  private i = 0;

  constructor(source: string) {
    this.chars = Array.from(source);
  }

  parse(): RegexNode {
    const node = this.parseAlternation();
    if (this.i < this.chars.length) throw new RegexSyntaxError('unexpected )');
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.i + offset];
  }

  private parseAlternation(): RegexNode {
    const options = [this.parseSequence()];
    while (this.peek() === '|') {
      this.i++;
      options.push(this.parseSequence());
    }
    return options.length === 1 ? (options[0] as RegexNode) : { kind: 'alt', options };
  }

  private parseSequence(): RegexNode {
    const items: RegexNode[] = [];
    let lastWasRepeat = false;
    for (let ch = this.peek(); ch !== undefined && ch !== '|' && ch !== ')'; ch = this.peek()) {
      const bounds = this.parseRepeatOperator(ch);
      if (bounds === undefined) {
        lastWasRepeat = false;
        items.push(...this.parseAtom());
        continue;
      }
      const last = items.pop();
      if (last === undefined) throw new RegexSyntaxError(`missing argument to repetition operator: ${ch}`);
      if (lastWasRepeat) throw new RegexSyntaxError(`invalid nested repetition operator: ${ch}`);
      if (this.peek() === '?') this.i++; // non-greedy: same language, and we only test membership
      items.push({ kind: 'repeat', node: last, min: bounds[0], max: bounds[1] });
      lastWasRepeat = true;
    }
    return { kind: 'seq', items };
  }

  /**
   * `*`, `+`, `?` or a counted `{n}`, `{n,}`, `{n,m}` at the cursor: consumes it and returns
   * [min, max]. A `{` that does not form a count is a literal (undefined, nothing consumed).
   */
  private parseRepeatOperator(ch: string): readonly [number, number] | undefined {
    if (ch === '*' || ch === '+' || ch === '?') {
      this.i++;
      return ch === '*' ? [0, Infinity] : ch === '+' ? [1, Infinity] : [0, 1];
    }
    if (ch !== '{') return undefined;
    const match = /^\{(0|[1-9][0-9]*)(,(0|[1-9][0-9]*)?)?\}/.exec(this.chars.slice(this.i, this.i + 24).join(''));
    if (match === null) return undefined;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === undefined ? Infinity : Number(match[3]);
    if (min > MAX_REPEAT || (max !== Infinity && (max > MAX_REPEAT || min > max))) {
      throw new RegexSyntaxError(`invalid repeat count: ${match[0]}`);
    }
    this.i += match[0].length;
    return [min, max];
  }

  /** One atom; `\Q...\E` gives several (a following repetition applies to the last). */
  private parseAtom(): RegexNode[] {
    const ch = this.peek() ?? '';
    this.i++;
    switch (ch) {
      case '(': {
        const inner = this.parseAlternation();
        if (this.peek() !== ')') throw new RegexSyntaxError('missing closing )');
        this.i++;
        return [inner];
      }
      case '^':
        return [{ kind: 'assert', what: 'begin' }];
      case '$':
        return [{ kind: 'assert', what: 'end' }];
      case '.':
        return [{ kind: 'char', set: ANY_BUT_NEWLINE }];
      case '[':
        return [{ kind: 'char', set: this.parseClass() }];
      case '\\':
        return this.parseBackslash();
      default: {
        const cp = code(ch);
        return [{ kind: 'char', set: (c) => c === cp }];
      }
    }
  }

  /** After a `\` outside a class. */
  private parseBackslash(): RegexNode[] {
    const next = this.peek();
    switch (next) {
      case 'A':
        this.i++;
        return [{ kind: 'assert', what: 'begin' }];
      case 'z':
        this.i++;
        return [{ kind: 'assert', what: 'end' }];
      case 'b':
        this.i++;
        return [{ kind: 'assert', what: 'word' }];
      case 'B':
        this.i++;
        return [{ kind: 'assert', what: 'not-word' }];
      case 'C':
        throw new RegexSyntaxError('invalid escape sequence: \\C');
      case 'Q': {
        this.i++;
        const literal: RegexNode[] = [];
        while (this.i < this.chars.length && !(this.peek() === '\\' && this.peek(1) === 'E')) {
          const cp = code(this.peek() ?? '');
          literal.push({ kind: 'char', set: (c) => c === cp });
          this.i++;
        }
        if (this.i < this.chars.length) this.i += 2;
        return literal;
      }
      default: {
        const set = this.parseClassEscape();
        if (set !== undefined) return [{ kind: 'char', set }];
        const cp = this.parseEscape();
        return [{ kind: 'char', set: (c) => c === cp }];
      }
    }
  }

  /** `\d \s \w \D \S \W \pX \p{Name} \PX`, positioned after the backslash; else undefined. */
  private parseClassEscape(): CharSet | undefined {
    const ch = this.peek();
    if (ch === undefined) return undefined;
    const perl = PERL_CLASSES[ch.toLowerCase()];
    if (perl !== undefined && /^[dswDSW]$/.test(ch)) {
      this.i++;
      return ch === ch.toLowerCase() ? perl : negate(perl);
    }
    if (ch !== 'p' && ch !== 'P') return undefined;
    this.i++;
    let negated = ch === 'P';
    let name = this.peek();
    if (name === undefined) throw new RegexSyntaxError('invalid character class range: \\' + ch);
    this.i++;
    if (name === '{') {
      name = '';
      for (let c = this.peek(); c !== '}'; c = this.peek()) {
        if (c === undefined) throw new RegexSyntaxError('invalid character class range');
        name += c;
        this.i++;
      }
      this.i++;
      if (name.startsWith('^')) {
        negated = !negated;
        name = name.slice(1);
      }
    }
    return unicodeClass(name, negated);
  }

  /** A single-character escape, positioned after the backslash (Go's parseEscape). */
  private parseEscape(): number {
    const c = this.peek();
    if (c === undefined) throw new RegexSyntaxError('trailing backslash at end of expression');
    this.i++;
    if (c.length === 1 && c.charCodeAt(0) < 0x80 && !isAlnum(c)) return code(c);
    if (c === '0' || (c >= '1' && c <= '7' && isOctal(this.peek()))) {
      let value = code(c) - 0x30;
      for (let n = 1; n < 3 && isOctal(this.peek()); n++) {
        value = value * 8 + code(this.peek() ?? '0') - 0x30;
        this.i++;
      }
      return value;
    }
    if (c === 'x') return this.parseHexEscape();
    const simple: Readonly<Record<string, number>> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    const value = simple[c];
    if (value !== undefined) return value;
    throw new RegexSyntaxError(`invalid escape sequence: \\${c}`);
  }

  private parseHexEscape(): number {
    const hex = (ch: string | undefined): number =>
      ch !== undefined && /^[0-9A-Fa-f]$/.test(ch) ? parseInt(ch, 16) : -1;
    if (this.peek() === '{') {
      this.i++;
      let value = 0;
      let digits = 0;
      for (let ch = this.peek(); ch !== '}'; ch = this.peek()) {
        const v = hex(ch);
        if (v < 0) throw new RegexSyntaxError('invalid escape sequence: \\x{');
        value = value * 16 + v;
        if (value > MAX_RUNE) throw new RegexSyntaxError('invalid escape sequence: \\x{');
        digits++;
        this.i++;
      }
      this.i++;
      if (digits === 0) throw new RegexSyntaxError('invalid escape sequence: \\x{}');
      return value;
    }
    const hi = hex(this.peek());
    const lo = hex(this.peek(1));
    if (hi < 0 || lo < 0) throw new RegexSyntaxError('invalid escape sequence: \\x');
    this.i += 2;
    return hi * 16 + lo;
  }

  /** A bracket class, positioned after `[` (Go's parseClass with Perl flags). */
  private parseClass(): CharSet {
    const parts: CharSet[] = [];
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.i++;
    }
    let first = true;
    while (first || this.peek() !== ']') {
      if (this.peek() === undefined) throw new RegexSyntaxError('missing closing ]');
      first = false;
      const named = this.parseNamedClass();
      if (named !== undefined) {
        parts.push(named);
        continue;
      }
      if (this.peek() === '\\') {
        this.i++;
        const escape = this.parseClassEscape();
        if (escape !== undefined) {
          parts.push(escape);
          continue;
        }
        this.i--;
      }
      const lo = this.parseClassChar();
      let hi = lo;
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.i++;
        hi = this.parseClassChar();
        if (hi < lo) throw new RegexSyntaxError('invalid character class range');
      }
      parts.push(ranges([lo, hi]));
    }
    this.i++;
    const union: CharSet = (cp) => parts.some((part) => part(cp));
    return negated ? negate(union) : union;
  }

  /** `[:alpha:]` or `[:^alpha:]` inside a class; undefined when the text is not one. */
  private parseNamedClass(): CharSet | undefined {
    if (this.peek() !== '[' || this.peek(1) !== ':') return undefined;
    const rest = this.chars.slice(this.i + 2).join('');
    const end = rest.indexOf(':]');
    if (end < 0) return undefined;
    let name = rest.slice(0, end);
    const negated = name.startsWith('^');
    if (negated) name = name.slice(1);
    const set = POSIX_CLASSES[name];
    if (set === undefined) throw new RegexSyntaxError(`invalid character class range: [:${name}:]`);
    this.i += 2 + Array.from(rest.slice(0, end)).length + 2;
    return negated ? negate(set) : set;
  }

  private parseClassChar(): number {
    const ch = this.peek();
    if (ch === undefined) throw new RegexSyntaxError('missing closing ]');
    this.i++;
    if (ch === '\\') return this.parseEscape();
    return code(ch);
  }
}

export function parseGoRegexp(source: string): RegexNode {
  return new Parser(source).parse();
}
