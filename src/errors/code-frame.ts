import type { SourceRange } from './source-range.js';

export interface CodeFrameOptions {
  /** Lines of context printed before and after the marked lines. */
  readonly context?: number;
}

/**
 * Renders the lines around `ranges` of `source`, marking the lines inside a range with `>>>`,
 * the way BuildKit prints a failing instruction:
 *
 *  --------------------
 *     1 |     FROM busybox
 *     2 | >>> RUN false
 *  --------------------
 */
export function codeFrame(
  source: string,
  ranges: readonly SourceRange[],
  options: CodeFrameOptions = {},
): string {
  const lines = source.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (ranges.length === 0 || lines.length === 0) return '';
  const context = options.context ?? 2;
  const marked = new Set<number>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const range of ranges) {
    const from = Math.max(1, range.start.line);
    const to = Math.min(lines.length, Math.max(range.end.line, from));
    for (let n = from; n <= to; n++) marked.add(n);
    first = Math.min(first, from);
    last = Math.max(last, to);
  }
  if (marked.size === 0) return '';
  const start = Math.max(1, first - context);
  const end = Math.min(lines.length, last + context);
  const width = Math.max(4, String(end).length);
  const rule = ' ' + '-'.repeat(20);
  const out = [rule];
  for (let n = start; n <= end; n++) {
    const text = lines[n - 1] ?? '';
    out.push(` ${String(n).padStart(width)} | ${marked.has(n) ? '>>> ' : '    '}${text}`);
  }
  out.push(rule);
  return out.join('\n');
}
