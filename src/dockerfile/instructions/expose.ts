import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { errAtLeastOneArgument } from './fail.js';
import { parseFlags } from './flags.js';

/** `EXPOSE <port>[/<proto>] ...`: ports unexpanded, sorted as strings (as BuildKit does). */
export interface ExposeInstruction extends InstructionBase<'expose'> {
  readonly ports: readonly string[];
}

export function parseExpose(node: InstructionNode): ExposeInstruction {
  if (node.args.length === 0) throw errAtLeastOneArgument(node);
  parseFlags(node, {});
  const ports = [...node.args].sort(compareBytes);
  return { kind: 'expose', range: node.range, node, ports };
}

/** Go's string order (by UTF-8 bytes), which for these ASCII words is code-unit order. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
