import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { errExactlyOneArgument } from './fail.js';
import { parseFlags } from './flags.js';

/** `MAINTAINER <name>` (deprecated). */
export interface MaintainerInstruction extends InstructionBase<'maintainer'> {
  readonly maintainer: string;
}

export function parseMaintainer(node: InstructionNode): MaintainerInstruction {
  const [maintainer] = node.args;
  if (node.args.length !== 1 || maintainer === undefined) throw errExactlyOneArgument(node);
  parseFlags(node, {});
  return { kind: 'maintainer', range: node.range, node, maintainer };
}
