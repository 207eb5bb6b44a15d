import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { errExactlyOneArgument } from './fail.js';
import { parseFlags } from './flags.js';

/** `WORKDIR <path>` */
export interface WorkdirInstruction extends InstructionBase<'workdir'> {
  readonly path: string;
}

export function parseWorkdir(node: InstructionNode): WorkdirInstruction {
  const [path] = node.args;
  if (node.args.length !== 1 || path === undefined) throw errExactlyOneArgument(node);
  parseFlags(node, {});
  return { kind: 'workdir', range: node.range, node, path };
}
