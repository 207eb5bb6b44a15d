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
import { HEREDOC_KEYWORDS } from './heredoc.js';
import { parseInstructionLine, toInstructionNode } from './instruction-line.js';
import type { LineContext, LineNode } from './instruction-line.js';
import { JoinedLine, trimContinuation } from './joined-line.js';
import { markersOf, readHeredocs } from './read-heredocs.js';
import type { Cursor } from './read-heredocs.js';
import { MAX_LINE_BYTES, splitSourceLines } from './source-lines.js';
import type { SourceLine } from './source-lines.js';

export interface ParseOptions {
  /** The Dockerfile's path, recorded in errors for messages and code frames. */
  readonly file?: string;
}

/** The warning rule for blank lines inside a continued instruction. */
export const EMPTY_CONTINUATION_RULE = 'NoEmptyContinuation';

function withFile(file: string | undefined): { file?: string } {
  return file !== undefined ? { file } : {};
}

function isComment(line: string): boolean {
  return line.charCodeAt(leadingSpaceLength(line)) === 0x23; /* # */
}

function canContainHeredoc(node: LineNode): boolean {
  const target = node.keyword === 'onbuild' && node.nested !== undefined ? node.nested : node;
  return HEREDOC_KEYWORDS.includes(target.keyword) && !target.json;
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
