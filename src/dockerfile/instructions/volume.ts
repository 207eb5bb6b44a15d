import type { InstructionBase } from './base.js';

/** `VOLUME /a /b` or `VOLUME ["/a", "/b"]`: paths trimmed, unexpanded. */
export interface VolumeInstruction extends InstructionBase<'volume'> {
  readonly volumes: readonly string[];
}
