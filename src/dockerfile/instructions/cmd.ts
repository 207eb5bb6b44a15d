import type { InstructionNode } from '../syntax/ast.js';
import type { CommandLine, InstructionBase } from './base.js';
import { commandLineOf } from './command-line.js';
import { parseFlags } from './flags.js';

/** `CMD ["exec", "form"]` or `CMD shell form`. */
export interface CmdInstruction extends InstructionBase<'cmd'> {
  readonly command: CommandLine;
}

export function parseCmd(node: InstructionNode): CmdInstruction {
  parseFlags(node, {});
  return { kind: 'cmd', range: node.range, node, command: commandLineOf(node) };
}
