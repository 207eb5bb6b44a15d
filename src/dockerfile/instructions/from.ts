import type { InstructionBase } from './base.js';

/** `FROM [--platform=<p>] <image> [AS <name>]`: starts a stage. */
export interface FromInstruction extends InstructionBase<'from'> {
  /** The base image or stage name, unexpanded (`${BASE}:1.2`, `builder`, `scratch`). */
  readonly image: string;
  /** The `--platform` value, unexpanded; undefined when not given (or given empty). */
  readonly platform: string | undefined;
  /** The stage name after `AS`, lowercased as BuildKit does; undefined for an unnamed stage. */
  readonly stageName: string | undefined;
  /** The stage name as written (for casing checks). */
  readonly stageNameText: string | undefined;
  /** The `AS` keyword as written (`AS`, `as`), for casing checks. */
  readonly asKeyword: string | undefined;
}
