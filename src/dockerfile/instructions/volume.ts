import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { errAtLeastOneArgument, failAt } from './fail.js';
import { parseFlags } from './flags.js';

/** `VOLUME /a /b` or `VOLUME ["/a", "/b"]`: paths trimmed, unexpanded. */
export interface VolumeInstruction extends InstructionBase<'volume'> {
  readonly volumes: readonly string[];
}

export function parseVolume(node: InstructionNode): VolumeInstruction {
  if (node.args.length === 0) throw errAtLeastOneArgument(node);
  parseFlags(node, {});
  const volumes = node.args.map((arg) => {
    const volume = arg.trim();
    if (volume === '') {
      throw failAt('INVALID_INSTRUCTION', 'VOLUME specified can not be an empty string', node.range);
    }
    return volume;
  });
  return { kind: 'volume', range: node.range, node, volumes };
}
