import type { InstructionNode } from '../syntax/ast.js';
import type { CommandLine, InstructionBase } from './base.js';
import { commandLineOf } from './command-line.js';
import { parseFlags } from './flags.js';

/**
 * `ENTRYPOINT ["exec", "form"]` or `ENTRYPOINT shell form`. `ENTRYPOINT []` gives empty `args`,
 * which (as BuildKit's nil entrypoint) clears the image's entrypoint.
 */
export interface EntrypointInstruction extends InstructionBase<'entrypoint'> {
  readonly command: CommandLine;
}

export function parseEntrypoint(node: InstructionNode): EntrypointInstruction {
  parseFlags(node, {});
  return { kind: 'entrypoint', range: node.range, node, command: commandLineOf(node) };
}
