import { replaceAll, replaceFirst, trimPrefix, trimSuffix } from './pattern.js';
import { ExpansionProblem } from './problem.js';
import { CodePointScanner, showChar } from './scanner.js';
import type { ExpandOptions, ShellEnv } from './types.js';
import { WordSplitter } from './word-splitter.js';

/**
 * One pass over one word, following BuildKit's lexer (frontend/dockerfile/shell): quotes,
 * the escape character, `$NAME`, `${NAME}` and the `${NAME<op>word}` forms. It produces the
 * unsplit value and the split words at once; callers pick the one they need.
 */

interface Piece {
  readonly value: string;
  readonly words: string[];
}

// POSIX special parameters; never set in a Dockerfile, but they are names of their own.
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const DIGIT = /^\p{Nd}$/u;
const LETTER = /^\p{L}$/u;
const HEREDOC_SPACE = new Set([' ', '\t', '\r']);

function toLookup(env: ShellEnv): (name: string) => string | undefined {
  if (typeof env === 'function') return env;
  return (name) => env.get(name);
}

export class ShellLexer {
  readonly used = new Set<string>();
  readonly unset = new Set<string>();
  private readonly scanner: CodePointScanner;
  private readonly lookup: (name: string) => string | undefined;
  private readonly escape: string;
  private readonly skipUnsetEnv: boolean;
  private readonly processQuotes: boolean;
  private readonly rawQuotes: boolean;
  private rawEscapes: boolean;

  constructor(word: string, env: ShellEnv, options: ExpandOptions) {
    this.scanner = new CodePointScanner(word);
    this.lookup = toLookup(env);
    this.escape = options.escapeChar ?? '\\';
    this.skipUnsetEnv = options.skipUnsetEnv ?? false;
    this.processQuotes = !(options.skipProcessQuotes ?? false);
    this.rawQuotes = options.rawQuotes ?? false;
    this.rawEscapes = options.rawEscapes ?? false;
  }

  run(): Piece {
    return this.readUntil(undefined, this.rawEscapes);
  }

  /** Reads up to (and consumes) `stop`, or to the end of input when `stop` is undefined. */
  private readUntil(stop: string | undefined, rawEscapes: boolean): Piece {
    const outer = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.readUntilInner(stop);
    } finally {
      this.rawEscapes = outer;
    }
  }

  private readUntilInner(stop: string | undefined): Piece {
    const s = this.scanner;
    const words = new WordSplitter();
    let value = '';
    for (let ch = s.peek(); ch !== undefined; ch = s.peek()) {
      if (ch === stop) {
        s.next();
        return { value, words: words.finish() };
      }
      const special = this.readSpecial(ch);
      if (special !== undefined) {
        value += special;
        if (ch === '$') words.addText(special);
        else words.addRaw(special);
        continue;
      }
      s.next();
      if (ch === this.escape) {
        if (this.rawEscapes) {
          words.addRaw(ch);
          value += ch;
        }
        const escaped = s.next();
        if (escaped === undefined) break; // a trailing escape is dropped
        words.addRaw(escaped);
        value += escaped;
        continue;
      }
      words.addChar(ch);
      value += ch;
    }
    if (stop !== undefined) {
      throw new ExpansionProblem(`unexpected end of statement while looking for matching ${stop}`);
    }
    return { value, words: words.finish() };
  }

  /** Handles the characters that start a construct; undefined for an ordinary character. */
  private readSpecial(ch: string): string | undefined {
    switch (ch) {
      case '$':
        return this.readDollar();
      case '<':
        return this.readPossibleHeredoc();
      case "'":
        return this.processQuotes ? this.readSingleQuoted() : undefined;
      case '"':
        return this.processQuotes ? this.readDoubleQuoted() : undefined;
      default:
        return undefined;
    }
  }

  /** '...': everything literal up to the next single quote; nothing escapes inside. */
  private readSingleQuoted(): string {
    const s = this.scanner;
    const open = s.next() ?? '';
    let out = this.rawQuotes ? open : '';
    for (;;) {
      const ch = s.next();
      if (ch === undefined) {
        throw new ExpansionProblem(
          'unexpected end of statement while looking for matching single-quote',
        );
      }
      if (ch === "'") return this.rawQuotes ? out + ch : out;
      out += ch;
    }
  }

  /** "...": literal except `$` expansions; the escape character escapes only `"`, `$`, itself. */
  private readDoubleQuoted(): string {
    const s = this.scanner;
    const open = s.next() ?? '';
    let out = this.rawQuotes ? open : '';
    for (;;) {
      const ch = s.peek();
      if (ch === undefined) {
        throw new ExpansionProblem(
          'unexpected end of statement while looking for matching double-quote',
        );
      }
      if (ch === '"') {
        s.next();
        return this.rawQuotes ? out + ch : out;
      }
      if (ch === '$') {
        out += this.readDollar();
        continue;
      }
      let literal = s.next() ?? '';
      if (literal === this.escape) {
        if (this.rawEscapes) out += literal;
        const following = s.peek();
        if (following === undefined) continue;
        if (following === '"' || following === '$' || following === this.escape) {
          literal = s.next() ?? '';
        }
      }
      out += literal;
    }
  }

  /** `<<` keeps the white space after it glued to it, so a heredoc marker stays one word. */
  private readPossibleHeredoc(): string {
    const s = this.scanner;
    s.next();
    if (s.peek() !== '<') return '<';
    s.next();
    let out = '<<';
    for (let ch = s.peek(); ch !== undefined && HEREDOC_SPACE.has(ch); ch = s.peek()) {
      out += ch;
      s.next();
    }
    return out;
  }

  private readDollar(): string {
    const s = this.scanner;
    s.next();
    if (s.peek() !== '{') {
      const name = this.readName();
      if (name === '') return '$';
      const value = this.getEnv(name);
      if (value === undefined && this.skipUnsetEnv) return '$' + name;
      return value ?? '';
    }
    s.next();
    const first = s.peek();
    if (first === undefined) throw new ExpansionProblem("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') {
      throw new ExpansionProblem('syntax error: bad substitution');
    }
    const name = this.readName();
    const op = s.next();
    switch (op) {
      case undefined:
        throw new ExpansionProblem("syntax error: missing '}'");
      case '}': {
        const value = this.getEnv(name);
        if (value === undefined && this.skipUnsetEnv) return '${' + name + '}';
        return value ?? '';
      }
      case '/':
        return this.readReplacement(name);
      case ':':
        return this.readOperator(name, s.next(), true);
      case '+':
      case '-':
      case '?':
      case '#':
      case '%':
        return this.readOperator(name, op, false);
      default:
        throw new ExpansionProblem(`unsupported modifier (${op}) in substitution`);
    }
  }

  /** `${NAME<op>word}` and `${NAME:<op>word}` for the operators - + ? # % (and their doubles). */
  private readOperator(name: string, op: string | undefined, nullIsUnset: boolean): string {
    const modifier = (nullIsUnset ? ':' : '') + showChar(op);
    const isPattern = op === '#' || op === '%';
    if (nullIsUnset && isPattern) {
      throw new ExpansionProblem(`unsupported modifier (${modifier}) in substitution`);
    }
    const word = this.readNested('}', isPattern, "syntax error: missing '}'");
    const value = this.getEnv(name);
    if (value === undefined && this.skipUnsetEnv) return '${' + name + modifier + word + '}';
    const missing = value === undefined || (nullIsUnset && value === '');
    switch (op) {
      case '-':
        return missing ? word : value;
      case '+':
        return missing ? '' : word;
      case '?':
        if (value === undefined) {
          throw new ExpansionProblem(`${name}: ${word || 'is not allowed to be unset'}`);
        }
        if (missing) throw new ExpansionProblem(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
      case '#':
      case '%': {
        const greedy = word.startsWith(op);
        const pattern = greedy ? word.slice(1) : word;
        return op === '%'
          ? trimSuffix(pattern, value ?? '', greedy)
          : trimPrefix(pattern, value ?? '', greedy);
      }
      default:
        throw new ExpansionProblem(`unsupported modifier (${modifier}) in substitution`);
    }
  }

  /** `${NAME/pattern/replacement}` (first match) and `${NAME//pattern/replacement}` (all). */
  private readReplacement(name: string): string {
    const all = this.scanner.peek() === '/';
    if (all) this.scanner.next();
    const pattern = this.readNested('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.readNested('}', true, "syntax error: missing '}'");
    const value = this.getEnv(name);
    if (value === undefined && this.skipUnsetEnv) {
      // BuildKit writes a single slash back, even for `//`.
      return '${' + name + '/' + pattern + '/' + replacement + '}';
    }
    return all
      ? replaceAll(pattern, value ?? '', replacement)
      : replaceFirst(pattern, value ?? '', replacement);
  }

  /** A nested word; any failure at the end of input is reported as the missing terminator. */
  private readNested(stop: string, rawEscapes: boolean, missing: string): string {
    try {
      return this.readUntil(stop, rawEscapes).value;
    } catch (error) {
      if (error instanceof ExpansionProblem && this.scanner.atEnd) {
        throw new ExpansionProblem(missing);
      }
      throw error;
    }
  }

  /** A variable name: letters, digits and `_`; or a run of digits; or one special parameter. */
  private readName(): string {
    const s = this.scanner;
    let name = '';
    for (let ch = s.peek(); ch !== undefined; ch = s.peek()) {
      if (name === '' && DIGIT.test(ch)) {
        for (let d = s.peek(); d !== undefined && DIGIT.test(d); d = s.peek()) {
          name += d;
          s.next();
        }
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.has(ch)) {
        s.next();
        return ch;
      }
      if (!LETTER.test(ch) && !DIGIT.test(ch) && ch !== '_') break;
      name += ch;
      s.next();
    }
    return name;
  }

  private getEnv(name: string): string | undefined {
    const value = this.lookup(name);
    this.used.add(name);
    if (value === undefined) this.unset.add(name);
    return value;
  }
}
