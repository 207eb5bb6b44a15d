import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase, KeyValuePair } from './base.js';
import { parseFlags } from './flags.js';
import { parseKeyValues } from './key-values.js';

/** `ENV k=v [k2=v2 ...]` or the legacy `ENV k v`. */
export interface EnvInstruction extends InstructionBase<'env'> {
  readonly env: readonly KeyValuePair[];
}

export function parseEnv(node: InstructionNode): EnvInstruction {
  parseFlags(node, {});
  return { kind: 'env', range: node.range, node, env: parseKeyValues(node) };
}
