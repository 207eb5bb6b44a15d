import type { InstructionBase } from './base.js';
import type { SourcesAndDest } from './sources.js';

/**
 * `ADD [--chown=] [--chmod=] [--link] [--checksum=] [--keep-git-dir[=bool]] [--unpack[=bool]]
 * [--exclude=]... <src>... <dest>`
 */
export interface AddInstruction extends InstructionBase<'add'>, SourcesAndDest {
  readonly chown: string | undefined;
  readonly chmod: string | undefined;
  readonly link: boolean;
  readonly checksum: string | undefined;
  /** `--keep-git-dir`, undefined when not written (git sources then follow the default). */
  readonly keepGitDir: boolean | undefined;
  /** `--unpack`, undefined when not written (local archives are unpacked, URLs are not). */
  readonly unpack: boolean | undefined;
  readonly exclude: readonly string[];
}
