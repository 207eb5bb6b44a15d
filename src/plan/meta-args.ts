import type { ArgInstruction } from '../dockerfile/instructions/index.js';
import type { EscapeChar } from '../dockerfile/shell/index.js';
import { WordExpander } from './expander.js';
import { atInstruction } from './plan-error.js';

export interface GlobalScope {
  /** What FROM lines expand against: the automatic platform ARGs, then the meta ARGs with values. */
  readonly env: ReadonlyMap<string, string>;
  /** Every name an ARG before the first FROM declared. */
  readonly declared: ReadonlySet<string>;
}

/**
 * Evaluates the ARGs before the first FROM, in order, as BuildKit's buildMetaArgs does: a
 * `--build-arg` of the name wins; otherwise the default is expanded against the scope so far
 * (the automatic ARGs and the earlier meta ARGs). A name with neither gets no value.
 */
export function evaluateMetaArgs(
  metaArgs: readonly ArgInstruction[],
  options: {
    readonly automatic: ReadonlyMap<string, string>;
    readonly buildArgs: ReadonlyMap<string, string>;
    readonly escapeChar: EscapeChar;
    readonly file: string | undefined;
  },
): GlobalScope {
  const env = new Map(options.automatic);
  const declared = new Set<string>();
  for (const instruction of metaArgs) {
    atInstruction(instruction.range, options.file, () => {
      for (const arg of instruction.args) {
        declared.add(arg.key);
        const given = options.buildArgs.get(arg.key);
        let value: string | undefined = given;
        if (value === undefined && arg.value !== undefined) {
          value = new WordExpander(env, options.escapeChar).word(arg.value);
        }
        if (value !== undefined) env.set(arg.key, value);
      }
    });
  }
  return { env, declared };
}
