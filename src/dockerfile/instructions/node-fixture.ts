import { spanRange } from '../../errors/index.js';
import type { FlagToken, HeredocNode, InstructionNode } from '../syntax/ast.js';

/** What `nodeOf` needs to build a syntax node by hand. */
export interface NodeFixture {
  readonly flags?: readonly string[];
  readonly args?: readonly string[];
  readonly json?: boolean;
  readonly nested?: InstructionNode;
  readonly heredocs?: readonly Omit<HeredocNode, 'range'>[];
  readonly comments?: readonly string[];
  /** The line the instruction is on (1 by default). */
  readonly line?: number;
}

/**
 * Test support: an InstructionNode as the parser would make it for `KEYWORD flags... args...` on
 * one line, flag ranges placed where the flags would be written. Not part of the public API.
 */
export function nodeOf(keywordText: string, fixture: NodeFixture = {}): InstructionNode {
  const line = fixture.line ?? 1;
  const flagTexts = fixture.flags ?? [];
  const args = fixture.args ?? [];
  let column = keywordText.length + 2;
  const flags: FlagToken[] = flagTexts.map((text) => {
    const token = { text, range: spanRange(line, column, text.length) };
    column += text.length + 1;
    return token;
  });
  const argText = fixture.json === true ? JSON.stringify(args) : args.join(' ');
  const original = [keywordText, ...flagTexts, argText].filter((part) => part !== '').join(' ');
  const range = spanRange(line, 1, original.length);
  return {
    keyword: keywordText.toLowerCase(),
    keywordText,
    keywordRange: spanRange(line, 1, keywordText.length),
    flags,
    args,
    json: fixture.json ?? false,
    ...(fixture.nested !== undefined ? { nested: fixture.nested } : {}),
    heredocs: (fixture.heredocs ?? []).map((h) => ({ ...h, range: spanRange(line + 1, 1, 1) })),
    original,
    range,
    comments: fixture.comments ?? [],
  };
}
