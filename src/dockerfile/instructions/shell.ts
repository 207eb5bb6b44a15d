import type { InstructionBase } from './base.js';

/** `SHELL ["executable", "params"]` (exec form only). */
export interface ShellInstruction extends InstructionBase<'shell'> {
  readonly shell: readonly string[];
}
