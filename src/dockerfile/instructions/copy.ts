import type { InstructionBase } from './base.js';
import type { SourcesAndDest } from './sources.js';

/** `COPY [--from=] [--chown=] [--chmod=] [--link] [--parents] [--exclude=]... <src>... <dest>` */
export interface CopyInstruction extends InstructionBase<'copy'>, SourcesAndDest {
  /** `--from`: a stage name, index or image; undefined = the build context. */
  readonly from: string | undefined;
  readonly chown: string | undefined;
  readonly chmod: string | undefined;
  readonly link: boolean;
  readonly parents: boolean;
  /** `--exclude` patterns, in order (the flag is repeatable). */
  readonly exclude: readonly string[];
}
