import { expandWord, expandWords } from '../dockerfile/shell/index.js';
import type { EscapeChar, ExpandOptions, ShellEnv } from '../dockerfile/shell/index.js';

/**
 * Expands the words of one instruction against a scope, and remembers every variable name they
 * referenced (set or not) for the step's cache key. The scope is read at each call, so an
 * instruction that changes it word by word (ARG) sees its own earlier words.
 */
export class WordExpander {
  readonly used = new Set<string>();
  readonly #env: ShellEnv;
  readonly #escapeChar: EscapeChar;

  constructor(env: ShellEnv, escapeChar: EscapeChar) {
    this.#env = env;
    this.#escapeChar = escapeChar;
  }

  /** One word, not split (BuildKit's ProcessWord). */
  word(text: string, options: Omit<ExpandOptions, 'escapeChar'> = {}): string {
    const result = expandWord(text, this.#env, { escapeChar: this.#escapeChar, ...options });
    for (const name of result.used) this.used.add(name);
    return result.value;
  }

  /** A word expanded then split on unquoted white space (BuildKit's ProcessWords). */
  words(text: string): readonly string[] {
    const result = expandWords(text, this.#env, { escapeChar: this.#escapeChar });
    for (const name of result.used) this.used.add(name);
    return result.words;
  }

  /** An optional word (an unset flag stays unset; BuildKit expands '' to ''). */
  optional(text: string | undefined): string | undefined {
    return text === undefined ? undefined : this.word(text);
  }

  /** The names referenced so far, sorted. */
  usedNames(): string[] {
    return [...this.used].sort();
  }
}
