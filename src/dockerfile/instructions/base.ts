import type { SourceRange } from '../../errors/index.js';
import type { InstructionNode } from '../syntax/ast.js';

/**
 * What every typed instruction carries: its `kind` (the discriminant), the source range of the
 * whole instruction, and the syntax node it came from (flags with their ranges, original text,
 * comments, keyword spelling) for later layers that need more than the typed fields.
 *
 * Words are kept exactly as the parser split them: nothing is variable-expanded here (as in
 * BuildKit, expansion is the planner's job, with the stage's ARG/ENV scope).
 */
export interface InstructionBase<K extends string> {
  readonly kind: K;
  readonly range: SourceRange;
  readonly node: InstructionNode;
}

/** One `key=value` (or legacy `key value`) pair of ENV or LABEL. */
export interface KeyValuePair {
  readonly key: string;
  readonly value: string;
  /** True for the legacy space-separated form (`ENV key value`): no `=` was written. */
  readonly noDelimiter: boolean;
}

/** A heredoc body carried by RUN, CMD or ENTRYPOINT (`RUN <<EOF ... EOF`). */
export interface ShellInlineFile {
  /** The heredoc's delimiter word (`EOF`). */
  readonly name: string;
  /** The body (tabs already stripped for `<<-`), ending with a newline. */
  readonly data: string;
  /** True for `<<-`. */
  readonly chomp: boolean;
  /** False when the delimiter was quoted: the body must not be variable-expanded. */
  readonly expand: boolean;
  /** The file descriptor the heredoc was written for: 0 (stdin) unless `3<<EOF`. */
  readonly fileDescriptor: number;
}

/**
 * The command line of RUN, CMD and ENTRYPOINT, as BuildKit's ShellDependantCmdLine.
 * Exec form (`["a", "b"]`) gives the array's strings and `prependShell: false`; shell form gives
 * one string (the words joined by spaces) and `prependShell: true` (the stage's SHELL is put in
 * front of it at plan time).
 */
export interface CommandLine {
  readonly args: readonly string[];
  readonly prependShell: boolean;
  /** Heredoc bodies written with the instruction, in order. */
  readonly files: readonly ShellInlineFile[];
}
