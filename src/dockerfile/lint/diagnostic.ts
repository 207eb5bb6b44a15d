import type { SourceRange } from '../../errors/index.js';
import type { RuleId } from './rules.js';

export type Severity = 'error' | 'warning' | 'info';

/** One finding of a lint rule, located in a Dockerfile. */
export interface Diagnostic {
  readonly rule: RuleId;
  readonly message: string;
  /** The instruction (or part of it) the finding is about. */
  readonly range: SourceRange;
  readonly severity: Severity;
  /** The Dockerfile's path as the caller named it. */
  readonly file: string;
  /** The rule's documentation. */
  readonly url: string;
}

/** Orders diagnostics by position, then rule, then message (a stable order for output). */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.column - b.range.start.column ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
