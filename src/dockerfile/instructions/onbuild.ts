import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import type { Instruction } from './instruction.js';

/**
 * `ONBUILD <instruction>`: a trigger stored in the image config and run by builds that use the
 * image as their base.
 */
export interface OnbuildInstruction extends InstructionBase<'onbuild'> {
  /** The trigger's source text, without `ONBUILD` (what goes into the image config's OnBuild). */
  readonly expression: string;
  /** The nested instruction's syntax node. */
  readonly trigger: InstructionNode;
  /**
   * The nested instruction, typed, when it parses. BuildKit checks a trigger only when it runs in
   * a child build, so a trigger that does not parse is not an error here: `instruction` is
   * undefined and `triggerError` says why (for lint).
   */
  readonly instruction: Instruction | undefined;
  readonly triggerError: Error | undefined;
}
