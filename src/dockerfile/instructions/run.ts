import type { SourceRange } from '../../errors/index.js';
import type { CommandLine, InstructionBase } from './base.js';
import type { Mount } from './mount.js';

export type NetworkMode = 'default' | 'none' | 'host';
export type SecurityMode = 'sandbox' | 'insecure';

/** One `--mount=<csv>` flag of a RUN. */
export interface RunMount {
  /** The flag's value (the CSV text after `--mount=`), unquoted as BuildKit's flag reader does. */
  readonly text: string;
  /** The range of the `--mount=...` flag token. */
  readonly range: SourceRange;
  /**
   * The mount, parsed and validated now, when the text holds no `$` (no variable to expand).
   * Undefined when it does: call `resolveRunMount` with the stage's expander at plan time.
   */
  readonly mount: Mount | undefined;
}

/** `RUN [--mount=...] [--network=...] [--security=...] <command>` */
export interface RunInstruction extends InstructionBase<'run'> {
  readonly command: CommandLine;
  readonly mounts: readonly RunMount[];
  readonly network: NetworkMode;
  readonly security: SecurityMode;
  /** Names of the flags written (without `--`), in order of first use, e.g. `['mount', 'network']`. */
  readonly flagsUsed: readonly string[];
}
