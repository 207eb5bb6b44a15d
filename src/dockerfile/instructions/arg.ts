import type { InstructionBase } from './base.js';

/** One `name[=default]` of an ARG line. */
export interface ArgDefinition {
  readonly key: string;
  /** The default as written (unexpanded); undefined when no `=` was given. */
  readonly value: string | undefined;
  /** A comment line above the ARG starting with `<key> ` describes it (BuildKit doc comments). */
  readonly description: string | undefined;
}

/** `ARG name[=default] [name2[=default2] ...]` */
export interface ArgInstruction extends InstructionBase<'arg'> {
  readonly args: readonly ArgDefinition[];
}
