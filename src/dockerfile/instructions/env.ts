import type { InstructionBase, KeyValuePair } from './base.js';

/** `ENV k=v [k2=v2 ...]` or the legacy `ENV k v`. */
export interface EnvInstruction extends InstructionBase<'env'> {
  readonly env: readonly KeyValuePair[];
}
