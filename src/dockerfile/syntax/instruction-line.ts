import { BuildError, suggestClosest } from '../../errors/index.js';
import type { SourceRange } from '../../errors/index.js';
import type { FlagToken, HeredocNode, InstructionNode } from './ast.js';
import { INSTRUCTION_KEYWORDS, splitArguments } from './arguments.js';
import type { JoinedLine } from './joined-line.js';
import { splitCommand } from './split-command.js';

/** What parsing one logical line needs to know. */
export interface LineContext {
  readonly escape: string;
  readonly joined: JoinedLine;
  readonly file: string | undefined;
  /**
   * Errors BuildKit only raises after parsing (in its instructions layer): an unknown
   * instruction, `ONBUILD ONBUILD`. They are collected here and thrown once the whole file has
   * parsed, so a syntax error further down still wins, as in BuildKit.
   */
  readonly deferred: BuildError[];
}

/** An instruction parsed from its logical line, before line ranges and heredocs are added. */
export interface LineNode {
  readonly keyword: string;
  readonly keywordText: string;
  readonly keywordRange: SourceRange;
  readonly flags: readonly FlagToken[];
  readonly args: readonly string[];
  readonly json: boolean;
  readonly nested: LineNode | undefined;
  readonly original: string;
  /** The range of the arguments (after the flags); empty at the line's end when none. */
  readonly argsRange: SourceRange;
}

function withFile(context: LineContext): { file?: string } {
  return context.file !== undefined ? { file: context.file } : {};
}

/**
 * Parses `text`, which starts at offset `base` of the joined line, into an instruction node
 * (BuildKit's newNodeFromLine): name, flags, then the arguments by the instruction's rule;
 * ONBUILD's argument is itself parsed as an instruction.
 */
export function parseInstructionLine(
  text: string,
  base: number,
  context: LineContext,
  depth = 0,
): LineNode {
  const { joined } = context;
  const split = splitCommand(text, context.escape);
  const keywordText = split.command.text;
  const keyword = keywordText.toLowerCase();
  const keywordRange = joined.rangeOf(base + split.command.start, base + split.command.end);
  const flags = split.flags.map((flag) => ({
    text: flag.text,
    range: joined.rangeOf(base + flag.start, base + flag.end),
  }));
  const argsRange = joined.rangeOf(base + split.rest.start, base + split.rest.end);
  const node = (args: readonly string[], json: boolean, nested?: LineNode): LineNode => ({
    keyword,
    keywordText,
    keywordRange,
    flags,
    args,
    json,
    nested,
    original: text,
    argsRange,
  });

  if (depth === 0) checkKnownKeyword(keywordText, keywordRange, context);

  if (keyword === 'onbuild') {
    if (split.rest.text === '') return node([], false);
    if (depth > 0) {
      // Only reachable for ONBUILD ONBUILD, which is rejected below; stop descending so an
      // absurdly long chain stays linear.
      return node([split.rest.text], false);
    }
    const nested = parseInstructionLine(
      split.rest.text,
      base + split.rest.start,
      context,
      depth + 1,
    );
    if (nested.keyword === 'onbuild') {
      context.deferred.push(
        new BuildError('INVALID_INSTRUCTION', 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed', {
          locations: [nested.keywordRange],
          ...withFile(context),
        }),
      );
    }
    // BuildKit's instructions see ONBUILD's arguments as the trigger's name and arguments.
    return node([nested.keywordText, ...nested.args], false, nested);
  }

  const result = splitArguments(keyword, split.rest.text, context.escape);
  if (!result.ok) {
    const empty =
      argsRange.start.line === argsRange.end.line &&
      argsRange.start.column === argsRange.end.column;
    const nameValue = keyword === 'env' || keyword === 'label';
    throw new BuildError('DOCKERFILE_SYNTAX', result.message, {
      locations: [nameValue && empty ? keywordRange : argsRange],
      ...withFile(context),
      ...(result.hint !== undefined ? { hint: result.hint } : {}),
      details: { instruction: keywordText },
    });
  }
  return node(result.args, result.json);
}

const KEYWORD_NAMES = INSTRUCTION_KEYWORDS.map((name) => name.toUpperCase());

function checkKnownKeyword(word: string, range: SourceRange, context: LineContext): void {
  if (INSTRUCTION_KEYWORDS.includes(word.toLowerCase())) return;
  if (word === '') {
    context.deferred.push(
      new BuildError('DOCKERFILE_SYNTAX', 'a line continuation is not followed by an instruction', {
        locations: [range],
        ...withFile(context),
        hint: 'remove the escape character at the end of the line, or add the instruction',
      }),
    );
    return;
  }
  const suggestion = suggestClosest(word, KEYWORD_NAMES);
  context.deferred.push(
    new BuildError('UNKNOWN_INSTRUCTION', `unknown instruction: ${word}`, {
      locations: [range],
      ...withFile(context),
      ...(suggestion !== undefined ? { hint: `did you mean ${suggestion}?` } : {}),
      details: { instruction: word, ...(suggestion !== undefined ? { suggestion } : {}) },
    }),
  );
}

/** Turns a line node into the AST node, with its full range, heredocs and comments. */
export function toInstructionNode(
  node: LineNode,
  extra: {
    readonly range: SourceRange;
    readonly heredocs: readonly HeredocNode[];
    readonly comments: readonly string[];
  },
): InstructionNode {
  const nested =
    node.nested === undefined
      ? undefined
      : toInstructionNode(node.nested, {
          range: { start: node.nested.keywordRange.start, end: node.argsRange.end },
          heredocs: [],
          comments: [],
        });
  // Plain literals of one shape (no spreads): this runs once per instruction.
  if (nested === undefined) {
    return {
      keyword: node.keyword,
      keywordText: node.keywordText,
      keywordRange: node.keywordRange,
      flags: node.flags,
      args: node.args,
      json: node.json,
      heredocs: extra.heredocs,
      original: node.original,
      range: extra.range,
      comments: extra.comments,
    };
  }
  return {
    keyword: node.keyword,
    keywordText: node.keywordText,
    keywordRange: node.keywordRange,
    flags: node.flags,
    args: node.args,
    json: node.json,
    nested,
    heredocs: extra.heredocs,
    original: node.original,
    range: extra.range,
    comments: extra.comments,
  };
}
