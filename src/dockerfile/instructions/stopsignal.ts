import type { InstructionBase } from './base.js';

/** `STOPSIGNAL <signal>` (unexpanded: `SIGTERM`, `9`, `$SIG`). */
export interface StopSignalInstruction extends InstructionBase<'stopsignal'> {
  readonly signal: string;
}
