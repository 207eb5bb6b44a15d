import type { SourceRange } from '../../errors/index.js';
import type { ArgInstruction } from './arg.js';
import type { FromInstruction } from './from.js';
import type { StageCommand } from './instruction.js';

/** One build stage: a FROM and the instructions up to the next FROM. */
export interface Stage {
  /** The `AS` name, lowercased; undefined for an unnamed stage. */
  readonly name: string | undefined;
  /** The stage's position, from 0 (what `--from=0` and `COPY --from=<n>` refer to). */
  readonly index: number;
  readonly from: FromInstruction;
  readonly commands: readonly StageCommand[];
  /** The FROM instruction's range. */
  readonly range: SourceRange;
  /** A comment line above FROM starting with `<name> ` describes the stage (BuildKit doc comments). */
  readonly description: string | undefined;
}

/** A Dockerfile's instructions grouped into stages. */
export interface ParsedDockerfile {
  /** ARG instructions before the first FROM: they may be used in FROM lines. */
  readonly metaArgs: readonly ArgInstruction[];
  readonly stages: readonly Stage[];
}
