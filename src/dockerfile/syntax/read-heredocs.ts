import { BuildError } from '../../errors/index.js';
import type { HeredocNode } from './ast.js';
import { chompHeredocContent, findHeredocMarkers, HeredocMarkerError } from './heredoc.js';
import type { HeredocMarker } from './heredoc.js';
import { HeredocNestingError } from './heredoc-lexer.js';
import type { JoinedLine } from './joined-line.js';
import type { SourceLine } from './source-lines.js';

/** Where the parser is in the file. */
export interface Cursor {
  readonly lines: readonly SourceLine[];
  /** Lines past this index are not read (BuildKit's scanner stops at an over-long line). */
  readonly limit: number;
  next: number;
  readonly file: string | undefined;
}

function withFile(file: string | undefined): { file?: string } {
  return file !== undefined ? { file } : {};
}

/**
 * Reads the body of each heredoc of an instruction from the lines after it, BuildKit's way:
 * lines are taken as written (line endings kept) up to a line equal to the delimiter (after
 * removing its leading tabs for `<<-`).
 */
export function readHeredocs(
  markers: readonly HeredocMarker[],
  joined: JoinedLine,
  cursor: Cursor,
): { heredocs: HeredocNode[]; lastLine: SourceLine | undefined } {
  const heredocs: HeredocNode[] = [];
  let lastLine: SourceLine | undefined;
  for (const marker of markers) {
    let content = '';
    let terminated = false;
    const firstBodyLine = cursor.next + 1;
    while (cursor.next < cursor.limit) {
      const line = cursor.lines[cursor.next++];
      if (line === undefined) break;
      lastLine = line;
      const candidate = marker.chomp ? line.text.replace(/^\t+/, '') : line.text;
      if (candidate === marker.name) {
        terminated = true;
        break;
      }
      content += line.raw;
    }
    if (!terminated || lastLine === undefined) {
      throw new BuildError('HEREDOC_UNTERMINATED', `unterminated heredoc ${marker.name}`, {
        locations: [joined.rangeOf(marker.start, marker.end)],
        ...withFile(cursor.file),
        hint: `end the heredoc with a line that is exactly "${marker.name}"`,
        details: { name: marker.name },
      });
    }
    heredocs.push({
      name: marker.name,
      content: marker.chomp ? chompHeredocContent(content) : content,
      expand: marker.expand,
      chomp: marker.chomp,
      fileDescriptor: marker.fileDescriptor,
      range: {
        start: { line: firstBodyLine, column: 1 },
        end: { line: lastLine.number, column: lastLine.text.length + 1 },
      },
    });
  }
  return { heredocs, lastLine };
}

/** The heredoc markers of an instruction line, with scan failures as located BuildErrors. */
export function markersOf(line: string, joined: JoinedLine, file: string | undefined): HeredocMarker[] {
  try {
    return findHeredocMarkers(line);
  } catch (error) {
    if (error instanceof HeredocMarkerError) {
      throw new BuildError('DOCKERFILE_SYNTAX', error.message, {
        locations: [joined.rangeOf(error.word.start, error.word.end)],
        ...withFile(file),
      });
    }
    if (error instanceof HeredocNestingError) {
      throw new BuildError('DOCKERFILE_SYNTAX', `${error.message} in a line with heredocs`, {
        locations: [joined.rangeOf(0, line.length)],
        ...withFile(file),
      });
    }
    throw error;
  }
}
