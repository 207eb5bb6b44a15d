/**
 * The variables a word is expanded against: a map, or a lookup function returning `undefined`
 * for an unset name. Names are case-sensitive (Linux semantics). A variable set to `''` is set.
 */
export type ShellEnv = ReadonlyMap<string, string> | ((name: string) => string | undefined);

/** The escape character a Dockerfile selected with `# escape=` (backslash by default). */
export type EscapeChar = '\\' | '`';

export interface ExpandOptions {
  /** Escape character; `\` unless the Dockerfile chose `` ` ``. */
  readonly escapeChar?: EscapeChar;
  /**
   * Leave references to unset variables as written (`$X`, `${X:-y}`) instead of expanding them;
   * `${X:?msg}` on an unset X then does not fail. BuildKit uses this where a later stage of the
   * build still has to see the reference (e.g. a RUN's heredoc detection).
   */
  readonly skipUnsetEnv?: boolean;
  /** Treat `'` and `"` as ordinary characters (BuildKit does so for some instructions). */
  readonly skipProcessQuotes?: boolean;
  /** Keep the quote characters in the result while still honouring their meaning. */
  readonly rawQuotes?: boolean;
  /** Keep escape characters in the result while still honouring their meaning. */
  readonly rawEscapes?: boolean;
}

interface ExpansionReport {
  /** Every variable name the word referenced, set or not. */
  readonly used: ReadonlySet<string>;
  /** The names in `used` that were not set (input for the UndefinedVar lint rule). */
  readonly unset: ReadonlySet<string>;
}

export interface ExpandedWord extends ExpansionReport {
  /** The word after expansion and quote removal, not split. */
  readonly value: string;
}

export interface ExpandedWords extends ExpansionReport {
  /** The word after expansion, split on unquoted white space (quoted text never splits). */
  readonly words: readonly string[];
}
