import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { errExactlyOneArgument } from './fail.js';

/** `STOPSIGNAL <signal>` (unexpanded: `SIGTERM`, `9`, `$SIG`). */
export interface StopSignalInstruction extends InstructionBase<'stopsignal'> {
  readonly signal: string;
}

/** As in BuildKit, STOPSIGNAL does not read its flags: any written are ignored (lint reports them). */
export function parseStopSignal(node: InstructionNode): StopSignalInstruction {
  const [signal] = node.args;
  if (node.args.length !== 1 || signal === undefined) throw errExactlyOneArgument(node);
  return { kind: 'stopsignal', range: node.range, node, signal };
}
