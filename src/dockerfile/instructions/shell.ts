import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { joinShellArgs } from './command-line.js';
import { errAtLeastOneArgument, failAt } from './fail.js';
import { parseFlags } from './flags.js';

/** `SHELL ["executable", "params"]` (exec form only). */
export interface ShellInstruction extends InstructionBase<'shell'> {
  readonly shell: readonly string[];
}

export function parseShell(node: InstructionNode): ShellInstruction {
  parseFlags(node, {});
  const shell = joinShellArgs(node.args, node.json);
  if (shell.length === 0) throw errAtLeastOneArgument(node);
  if (!node.json) {
    throw failAt('INVALID_INSTRUCTION', 'SHELL requires the arguments to be in JSON form', node.range, {
      hint: `write it as an array: SHELL ${JSON.stringify(shell[0]?.split(/\s+/) ?? [])}`,
    });
  }
  return { kind: 'shell', range: node.range, node, shell };
}
