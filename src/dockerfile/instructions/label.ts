import type { InstructionBase, KeyValuePair } from './base.js';

/** `LABEL k=v [k2=v2 ...]` (values unexpanded, quotes as the parser left them). */
export interface LabelInstruction extends InstructionBase<'label'> {
  readonly labels: readonly KeyValuePair[];
}
