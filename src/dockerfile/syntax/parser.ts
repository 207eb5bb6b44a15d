import { BuildError, lineRange } from '../../errors/index.js';
import type { SourceRange } from '../../errors/index.js';
import type {
  DirectiveNode,
  DockerfileAst,
  HeredocNode,
  InstructionNode,
  ParseWarning,
} from './ast.js';
import { checkSyntaxDirective, DirectiveReader } from './directives.js';
import { leadingSpaceLength, trimGoSpace } from './go-text.js';
import {
  chompHeredocContent,
  findHeredocMarkers,
  HEREDOC_KEYWORDS,
  HeredocMarkerError,
} from './heredoc.js';
import type { HeredocMarker } from './heredoc.js';
import { HeredocNestingError } from './heredoc-lexer.js';
import { parseInstructionLine, toInstructionNode } from './instruction-line.js';
import type { LineContext, LineNode } from './instruction-line.js';
import { JoinedLine, trimContinuation } from './joined-line.js';
import { MAX_LINE_BYTES, splitSourceLines } from './source-lines.js';
import type { SourceLine } from './source-lines.js';

export interface ParseOptions {
  /** The Dockerfile's path, recorded in errors for messages and code frames. */
  readonly file?: string;
}

/** The warning rule for blank lines inside a continued instruction. */
export const EMPTY_CONTINUATION_RULE = 'NoEmptyContinuation';

function isComment(line: string): boolean {
  return line.charCodeAt(leadingSpaceLength(line)) === 0x23; /* # */
}

function canContainHeredoc(node: LineNode): boolean {
  const target = node.keyword === 'onbuild' && node.nested !== undefined ? node.nested : node;
  return HEREDOC_KEYWORDS.includes(target.keyword) && !target.json;
}

/** Where the parser is in the file, shared by the helpers below. */
interface Cursor {
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
function readHeredocs(
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

function markersOf(line: string, joined: JoinedLine, file: string | undefined): HeredocMarker[] {
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

/**
 * Parses a Dockerfile into its syntax tree with BuildKit's rules (see index.ts for the
 * decisions taken where the parser has a choice). Throws BuildError with exact locations.
 */
export function parseDockerfile(text: string, options: ParseOptions = {}): DockerfileAst {
  const file = options.file;
  const { lines, tooLongLine } = splitSourceLines(text);
  const cursor: Cursor = {
    lines,
    limit: tooLongLine === undefined ? lines.length : tooLongLine - 1,
    next: 0,
    file,
  };
  const directiveReader = new DirectiveReader(file);
  const directives: DirectiveNode[] = [];
  const warnings: ParseWarning[] = [];
  const instructions: InstructionNode[] = [];
  const deferred: BuildError[] = [];
  let escape: '\\' | '`' = '\\';
  let comments: string[] = [];

  while (cursor.next < cursor.limit) {
    const source = lines[cursor.next++];
    if (source === undefined) break;
    if (isComment(source.raw)) {
      const comment = trimGoSpace(source.raw.slice(1));
      if (comment === '') comments = [];
      else comments.push(comment);
    }
    const lead = leadingSpaceLength(source.text);
    const token = source.text.slice(lead);
    const directive = directiveReader.read(token, source.number, lead + 1);
    if (directive !== undefined) {
      comments.pop();
      directives.push(directive);
      if (directive.name === 'escape') escape = directive.value === '`' ? '`' : '\\';
      if (directive.name === 'syntax') {
        const warning = checkSyntaxDirective(directive);
        if (warning !== undefined) warnings.push(warning);
      }
    }
    const first = trimContinuation(isComment(token) ? '' : token, escape);
    if (!first.continued && first.text === '') continue;

    const joined = new JoinedLine();
    joined.append(first.text, source.number, lead + 1);
    let continued = first.continued;
    let lastLine = source;
    let emptyLine: SourceLine | undefined;
    while (continued && cursor.next < cursor.limit) {
      const next = lines[cursor.next++];
      if (next === undefined) break;
      lastLine = next;
      if (isComment(next.raw)) continue;
      if (leadingSpaceLength(next.text) === next.text.length) {
        emptyLine ??= next;
        continue;
      }
      const part = trimContinuation(next.text, escape);
      joined.append(part.text, next.number, 1);
      continued = part.continued;
    }
    const line = joined.text;
    if (emptyLine !== undefined) {
      warnings.push({
        rule: EMPTY_CONTINUATION_RULE,
        message: `Empty continuation line found in: ${line}`,
        range: lineRange(emptyLine.number),
      });
    }

    const context: LineContext = { escape, joined, file, deferred };
    const node = parseInstructionLine(line, 0, context);
    let heredocs: HeredocNode[] = [];
    if (canContainHeredoc(node) && line.includes('<<')) {
      const read = readHeredocs(markersOf(line, joined, file), joined, cursor);
      heredocs = read.heredocs;
      if (read.lastLine !== undefined) lastLine = read.lastLine;
    }
    const range: SourceRange = {
      start: { line: source.number, column: lead + 1 },
      end: { line: lastLine.number, column: lastLine.text.length + 1 },
    };
    instructions.push(toInstructionNode(node, { range, heredocs, comments }));
    comments = [];
  }

  if (tooLongLine !== undefined) {
    throw new BuildError(
      'DOCKERFILE_SYNTAX',
      `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`,
      { locations: [lineRange(tooLongLine)], ...withFile(file) },
    );
  }
  if (instructions.length === 0) {
    throw new BuildError('DOCKERFILE_EMPTY', 'file with no instructions', {
      locations: [lineRange(1, Math.max(1, lines.length))],
      ...withFile(file),
      hint: 'a Dockerfile needs at least one instruction, starting with FROM',
    });
  }
  const [firstDeferred] = deferred;
  if (firstDeferred !== undefined) throw firstDeferred;
  return { directives, escapeChar: escape, instructions, warnings };
}
