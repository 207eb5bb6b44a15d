import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase, KeyValuePair } from './base.js';
import { parseFlags } from './flags.js';
import { parseKeyValues } from './key-values.js';

/** `LABEL k=v [k2=v2 ...]` (values unexpanded, quotes as the parser left them). */
export interface LabelInstruction extends InstructionBase<'label'> {
  readonly labels: readonly KeyValuePair[];
}

export function parseLabel(node: InstructionNode): LabelInstruction {
  parseFlags(node, {});
  return { kind: 'label', range: node.range, node, labels: parseKeyValues(node) };
}
