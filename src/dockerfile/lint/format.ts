import { codeFrame } from '../../errors/index.js';
import type { Diagnostic, Severity } from './diagnostic.js';

export interface FormatTextOptions {
  /** The Dockerfile's text, for code frames; without it only the headline and URL are printed. */
  readonly source?: string;
  /** Lines of context around the marked lines (default 1). */
  readonly context?: number;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `2 warnings, 1 advice` style totals, or `no problems found`. */
export function summarize(diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Severity): number => diagnostics.filter((d) => d.severity === severity).length;
  const parts: string[] = [];
  if (count('error') > 0) parts.push(plural(count('error'), 'error'));
  if (count('warning') > 0) parts.push(plural(count('warning'), 'warning'));
  if (count('info') > 0) parts.push(`${count('info')} advice`);
  return parts.length === 0 ? 'no problems found' : parts.join(', ');
}

/**
 * Diagnostics for a person: per finding `file:line:col: severity: message [Rule]`, a code frame of
 * the instruction and the rule's documentation, then a one-line summary.
 */
export function formatDiagnosticsText(diagnostics: readonly Diagnostic[], options: FormatTextOptions = {}): string {
  const blocks = diagnostics.map((d) => {
    const { line, column } = d.range.start;
    const lines = [`${d.file}:${line}:${column}: ${d.severity}: ${d.message} [${d.rule}]`];
    if (options.source !== undefined) {
      const frame = codeFrame(options.source, [d.range], { context: options.context ?? 1 });
      if (frame !== '') lines.push(frame);
    }
    lines.push(` ${d.url}`);
    return lines.join('\n');
  });
  return [...blocks, summarize(diagnostics)].join('\n\n') + '\n';
}

/** Diagnostics as a JSON array (one object per finding, the Diagnostic fields). */
export function formatDiagnosticsJson(diagnostics: readonly Diagnostic[]): string {
  return JSON.stringify(diagnostics, null, 2) + '\n';
}
