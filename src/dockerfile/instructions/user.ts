import type { InstructionBase } from './base.js';

/** `USER <user>[:<group>]` */
export interface UserInstruction extends InstructionBase<'user'> {
  readonly user: string;
}
