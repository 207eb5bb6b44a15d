import type { SourcePosition, SourceRange } from '../../errors/index.js';

/**
 * Strips a line-continuation escape from the end of `line`, as BuildKit's continuation pattern
 * `([^E])E[ \t]*$|^E[ \t]*$` (E the escape character) does: the escape must be the last
 * character but spaces and tabs, and not itself escaped by another escape character.
 */
export function trimContinuation(
  line: string,
  escape: string,
): { readonly text: string; readonly continued: boolean } {
  let end = line.length;
  while (end > 0) {
    const code = line.charCodeAt(end - 1);
    if (code !== 0x20 && code !== 0x09) break;
    end--;
  }
  if (end === 0 || line[end - 1] !== escape) return { text: line, continued: false };
  if (end >= 2 && line[end - 2] === escape) return { text: line, continued: false };
  return { text: line.slice(0, end - 1), continued: true };
}

interface Segment {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * An instruction's text with its continuation lines joined (BuildKit's logical line), which
 * remembers where each piece came from so offsets in the joined text map back to line:column.
 */
export class JoinedLine {
  private readonly parts: string[] = [];
  private readonly segments: Segment[] = [];
  private length = 0;
  private joined: string | undefined;

  /** Appends `text`, which starts at `line`:`column` of the source. */
  append(text: string, line: number, column: number): void {
    this.segments.push({ offset: this.length, line, column });
    this.parts.push(text);
    this.length += text.length;
    this.joined = undefined;
  }

  get text(): string {
    this.joined ??= this.parts.join('');
    return this.joined;
  }

  /** The source position of the character at `offset` of the joined text. */
  positionAt(offset: number): SourcePosition {
    const segments = this.segments;
    let low = 0;
    let high = segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      const segment = segments[mid];
      if (segment !== undefined && segment.offset <= offset) low = mid;
      else high = mid - 1;
    }
    const segment = segments[low];
    if (segment === undefined) return { line: 1, column: 1 };
    return { line: segment.line, column: segment.column + (offset - segment.offset) };
  }

  /** The source range of the joined text's characters `start` (inclusive) to `end` (exclusive). */
  rangeOf(start: number, end: number): SourceRange {
    const from = this.positionAt(start);
    if (end <= start) return { start: from, end: from };
    const last = this.positionAt(end - 1);
    return { start: from, end: { line: last.line, column: last.column + 1 } };
  }
}
