import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { errAtLeastOneArgument, failAt } from './fail.js';
import { parseFlags } from './flags.js';
import type { Instruction } from './instruction.js';

/**
 * `ONBUILD <instruction>`: a trigger stored in the image config and run by builds that use the
 * image as their base.
 */
export interface OnbuildInstruction extends InstructionBase<'onbuild'> {
  /** The trigger's source text, without `ONBUILD` (what goes into the image config's OnBuild). */
  readonly expression: string;
  /** The nested instruction's syntax node. */
  readonly trigger: InstructionNode;
  /**
   * The nested instruction, typed, when it parses. BuildKit checks a trigger only when it runs in
   * a child build, so a trigger that does not parse is not an error here: `instruction` is
   * undefined and `triggerError` says why (for lint).
   */
  readonly instruction: Instruction | undefined;
  readonly triggerError: Error | undefined;
}

const ONBUILD_PREFIX = /^\s*ONBUILD\s*/i;

/**
 * Parses ONBUILD. `parseNested` parses the trigger (passed in to keep this module free of the
 * dispatcher). ONBUILD ONBUILD, ONBUILD FROM and ONBUILD MAINTAINER are errors.
 */
export function parseOnbuild(
  node: InstructionNode,
  parseNested: (trigger: InstructionNode) => Instruction,
): OnbuildInstruction {
  const trigger = node.nested;
  if (trigger === undefined) throw errAtLeastOneArgument(node);
  parseFlags(node, {});
  const name = trigger.keyword.trim().toUpperCase();
  if (name === 'ONBUILD') {
    throw failAt('INVALID_INSTRUCTION', "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", node.range);
  }
  if (name === 'MAINTAINER' || name === 'FROM') {
    throw failAt('INVALID_INSTRUCTION', `${name} isn't allowed as an ONBUILD trigger`, node.range, {
      details: { trigger: name },
    });
  }
  let expression = node.original.replace(ONBUILD_PREFIX, '');
  const heredocs = node.heredocs.length > 0 ? node.heredocs : trigger.heredocs;
  for (const heredoc of heredocs) expression += `\n${heredoc.content}${heredoc.name}`;
  let instruction: Instruction | undefined;
  let triggerError: Error | undefined;
  try {
    // The parser keeps the heredocs of `ONBUILD RUN <<EOF` on the ONBUILD node.
    instruction = parseNested(trigger.heredocs.length > 0 ? trigger : { ...trigger, heredocs });
  } catch (error) {
    triggerError = error instanceof Error ? error : new Error(String(error));
  }
  return { kind: 'onbuild', range: node.range, node, expression, trigger, instruction, triggerError };
}
