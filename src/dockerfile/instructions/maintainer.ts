import type { InstructionBase } from './base.js';

/** `MAINTAINER <name>` (deprecated). */
export interface MaintainerInstruction extends InstructionBase<'maintainer'> {
  readonly maintainer: string;
}
