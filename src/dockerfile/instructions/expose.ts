import type { InstructionBase } from './base.js';

/** `EXPOSE <port>[/<proto>] ...`: ports unexpanded, sorted as strings (as BuildKit does). */
export interface ExposeInstruction extends InstructionBase<'expose'> {
  readonly ports: readonly string[];
}
