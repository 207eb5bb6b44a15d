import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { errExactlyOneArgument } from './fail.js';
import { parseFlags } from './flags.js';

/** `USER <user>[:<group>]` */
export interface UserInstruction extends InstructionBase<'user'> {
  readonly user: string;
}

export function parseUser(node: InstructionNode): UserInstruction {
  const [user] = node.args;
  if (node.args.length !== 1 || user === undefined) throw errExactlyOneArgument(node);
  parseFlags(node, {});
  return { kind: 'user', range: node.range, node, user };
}
