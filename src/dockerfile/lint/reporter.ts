import type { SourceRange } from '../../errors/index.js';
import { checkOptionsFromComments, mergeCheckOptions } from './check-options.js';
import type { CheckOptions } from './check-options.js';
import type { Diagnostic, Severity } from './diagnostic.js';
import { RULES } from './rules.js';
import type { RuleId } from './rules.js';

/**
 * Collects diagnostics, applying the check options: skipped rules are dropped, `error=true`
 * raises warnings to errors. A finding about one instruction also honours a `# check=` comment
 * written directly above that instruction.
 */
export class LintReporter {
  private readonly found: Diagnostic[] = [];
  private readonly file: string;
  private readonly options: CheckOptions;

  constructor(file: string, options: CheckOptions) {
    this.file = file;
    this.options = options;
  }

  /** The options in force for an instruction with these comments above it. */
  optionsFor(comments: readonly string[] | undefined): CheckOptions {
    if (comments === undefined || comments.length === 0) return this.options;
    const local = checkOptionsFromComments(comments);
    return local === undefined ? this.options : mergeCheckOptions(this.options, local);
  }

  /** Whether `rule` would be reported for an instruction with these comments. */
  isEnabled(rule: RuleId, comments?: readonly string[]): boolean {
    const options = this.optionsFor(comments);
    return !options.skipAll && !options.skip.has(rule);
  }

  /**
   * Reports a finding. `comments` are those above the instruction the finding belongs to (pass
   * them only where BuildKit honours instruction-level check comments).
   */
  report(rule: RuleId, range: SourceRange, message: string, comments?: readonly string[]): void {
    if (!this.isEnabled(rule, comments)) return;
    const meta = RULES[rule];
    const severity: Severity = meta.severity === 'warning' && this.options.error ? 'error' : meta.severity;
    this.found.push({ rule, message, range, severity, file: this.file, url: meta.url });
  }

  get diagnostics(): readonly Diagnostic[] {
    return this.found;
  }
}
