import { BuildError } from '../../errors/index.js';
import { ShellLexer } from './lexer.js';
import { ExpansionProblem } from './problem.js';
import type { ExpandOptions, ExpandedWord, ExpandedWords, ShellEnv } from './types.js';

function runLexer(word: string, env: ShellEnv, options: ExpandOptions) {
  const lexer = new ShellLexer(word, env, options);
  try {
    const piece = lexer.run();
    return { piece, used: lexer.used, unset: lexer.unset };
  } catch (error) {
    if (!(error instanceof ExpansionProblem)) throw error;
    throw new BuildError('EXPANSION_FAILED', `failed to process ${JSON.stringify(word)}: ${error.message}`, {
      details: { word, reason: error.message },
      ...(/matching (single|double)-quote/.test(error.message)
        ? { hint: 'close the quote, or escape the quote character to use it literally' }
        : {}),
    });
  }
}

/**
 * Expands one word the way BuildKit's ProcessWord does: variables substituted, quotes and escape
 * characters removed, nothing split. Throws BuildError EXPANSION_FAILED on a syntax error
 * (unterminated quote, bad `${...}`) or a failing `${V?msg}` / `${V:?msg}`.
 */
export function expandWord(word: string, env: ShellEnv, options: ExpandOptions = {}): ExpandedWord {
  const { piece, used, unset } = runLexer(word, env, options);
  return { value: piece.value, used, unset };
}

/**
 * Expands a word and splits the result into words (BuildKit's ProcessWords): splitting happens on
 * unquoted, unescaped white space, including white space that came from a variable's value.
 */
export function expandWords(word: string, env: ShellEnv, options: ExpandOptions = {}): ExpandedWords {
  const { piece, used, unset } = runLexer(word, env, options);
  return { words: piece.words, used, unset };
}
