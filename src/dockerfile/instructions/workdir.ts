import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import type { ParseContext } from './context.js';
import { errExactlyOneArgument } from './fail.js';
import { parseFlags } from './flags.js';

/** `WORKDIR <path>` */
export interface WorkdirInstruction extends InstructionBase<'workdir'> {
  readonly path: string;
}

export function parseWorkdir(node: InstructionNode, context: ParseContext): WorkdirInstruction {
  const [path] = node.args;
  if (node.args.length !== 1 || path === undefined) throw errExactlyOneArgument(node);
  parseFlags(node, {}, context);
  return { kind: 'workdir', range: node.range, node, path };
}
