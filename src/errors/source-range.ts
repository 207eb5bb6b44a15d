/** A position in a source text. Lines and columns both count from 1. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A span of source text; `end` is inclusive of its line, exclusive of its column. */
export interface SourceRange {
  readonly start: SourcePosition;
  readonly end: SourcePosition;
}

/** A range covering whole lines `startLine..endLine` (1-based, inclusive). */
export function lineRange(startLine: number, endLine: number = startLine): SourceRange {
  return { start: { line: startLine, column: 1 }, end: { line: endLine, column: 1 } };
}

/** A range on one line, from `column` spanning `length` characters. */
export function spanRange(line: number, column: number, length: number): SourceRange {
  return { start: { line, column }, end: { line, column: column + Math.max(length, 0) } };
}

export function formatPosition(file: string, range: SourceRange): string {
  return `${file}:${range.start.line}:${range.start.column}`;
}
