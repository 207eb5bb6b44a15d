import type { InstructionBase } from './base.js';

/** `WORKDIR <path>` */
export interface WorkdirInstruction extends InstructionBase<'workdir'> {
  readonly path: string;
}
