import type { HeredocNode, InstructionNode } from '../syntax/ast.js';
import { failAt, upperName } from './fail.js';
import { parseHeredocWord } from './heredoc-word.js';

/** An inline file given as a heredoc source of COPY/ADD (`COPY <<EOF /dst`). */
export interface InlineSource {
  /** The file name: the heredoc's delimiter word. */
  readonly path: string;
  /** The body (tabs already stripped for `<<-`). */
  readonly data: string;
  /** False when the delimiter was quoted: the body must not be variable-expanded. */
  readonly expand: boolean;
}

/** The operands of COPY and ADD: every word but the last is a source, the last the destination. */
export interface SourcesAndDest {
  /** Source paths or URLs, in order, unexpanded (heredoc sources excluded). */
  readonly sources: readonly string[];
  /** Heredoc sources, in order. */
  readonly contents: readonly InlineSource[];
  readonly destination: string;
}

/**
 * Splits COPY/ADD words into sources and destination. A source that is a heredoc marker
 * (`<<EOF`) becomes an inline file with the body the parser attached; a heredoc as the destination
 * is an error.
 */
export function parseSourcesAndDest(node: InstructionNode): SourcesAndDest {
  const name = upperName(node);
  const destination = node.args[node.args.length - 1] ?? '';
  if (parseHeredocWord(destination) !== undefined) {
    throw failAt('INVALID_INSTRUCTION', `${name} cannot accept a heredoc as a destination`, node.range);
  }
  const bodies = new Map<string, HeredocNode>();
  for (const heredoc of node.heredocs) bodies.set(heredoc.name, heredoc);
  const sources: string[] = [];
  const contents: InlineSource[] = [];
  for (const word of node.args.slice(0, -1)) {
    const heredoc = parseHeredocWord(word);
    if (heredoc === undefined) {
      sources.push(word);
      continue;
    }
    contents.push({
      path: heredoc.name,
      data: bodies.get(heredoc.name)?.content ?? '',
      expand: heredoc.expand,
    });
  }
  return { sources, contents, destination };
}
