import type { CommandLine, InstructionBase } from './base.js';

/** `CMD ["exec", "form"]` or `CMD shell form`. */
export interface CmdInstruction extends InstructionBase<'cmd'> {
  readonly command: CommandLine;
}
