import type { CommandLine, InstructionBase } from './base.js';

/**
 * `ENTRYPOINT ["exec", "form"]` or `ENTRYPOINT shell form`. `ENTRYPOINT []` gives empty `args`,
 * which (as BuildKit's nil entrypoint) clears the image's entrypoint.
 */
export interface EntrypointInstruction extends InstructionBase<'entrypoint'> {
  readonly command: CommandLine;
}
