import { utf8Length } from './go-text.js';

/** BuildKit reads lines with Go's bufio.Scanner, whose longest line is 64 KiB less the newline. */
export const MAX_LINE_BYTES = 65535;

/** One physical line of a Dockerfile. */
export interface SourceLine {
  /** 1-based line number. */
  readonly number: number;
  /** The line as read, with its line ending (`\n` or `\r\n`) if it had one. */
  readonly raw: string;
  /** The line without trailing `\r`/`\n` characters (BuildKit's trimNewline). */
  readonly text: string;
}

/**
 * Splits `source` into lines the way BuildKit's scanner does: only `\n` ends a line, the ending
 * stays on the line, and a final newline does not start an empty line. A byte-order mark at the
 * very start is dropped. Also reports the first line longer than BuildKit accepts, if any.
 */
export function splitSourceLines(source: string): {
  lines: SourceLine[];
  tooLongLine: number | undefined;
} {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lines: SourceLine[] = [];
  let tooLongLine: number | undefined;
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline + 1;
    const raw = text.slice(start, end);
    const body = trimNewline(raw);
    const number = lines.length + 1;
    // Each UTF-16 unit is at most 3 UTF-8 bytes: only long lines need counting.
    if (
      tooLongLine === undefined &&
      body.length * 3 > MAX_LINE_BYTES &&
      utf8Length(raw.endsWith('\n') ? raw.slice(0, -1) : raw) > MAX_LINE_BYTES
    ) {
      tooLongLine = number;
    }
    lines.push({ number, raw, text: body });
    start = end;
  }
  return { lines, tooLongLine };
}

/** Drops every trailing `\r` and `\n` (Go's `bytes.TrimRight(line, "\r\n")`). */
export function trimNewline(line: string): string {
  let end = line.length;
  while (end > 0) {
    const code = line.charCodeAt(end - 1);
    if (code !== 0x0a && code !== 0x0d) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}
