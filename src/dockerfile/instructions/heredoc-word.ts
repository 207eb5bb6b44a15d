import { parseHeredocMarker } from '../syntax/index.js';

/** A heredoc marker word (`<<EOF`, `<<-"EOF"`, `3<<EOF`) read as BuildKit's ParseHeredoc reads it. */
export interface HeredocWord {
  readonly name: string;
  readonly chomp: boolean;
  /** False when any part of the delimiter was quoted. */
  readonly expand: boolean;
  readonly fileDescriptor: number;
}

/**
 * The heredoc a word opens, or undefined when it is not a heredoc marker (or its quoting is
 * broken), as BuildKit's MustParseHeredoc: used to spot heredoc sources and destinations of
 * COPY/ADD and a RUN whose command is only a heredoc.
 */
export function parseHeredocWord(word: string): HeredocWord | undefined {
  try {
    return parseHeredocMarker(word);
  } catch {
    return undefined;
  }
}
