import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { nonEmpty } from './copy.js';
import { errNoDestination } from './fail.js';
import { parseFlags } from './flags.js';
import { parseSourcesAndDest } from './sources.js';
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

export const ADD_FLAGS = {
  chown: 'string',
  chmod: 'string',
  link: 'bool',
  'keep-git-dir': 'bool',
  checksum: 'string',
  unpack: 'bool',
  exclude: 'strings',
} as const;

export function parseAdd(node: InstructionNode): AddInstruction {
  if (node.args.length < 2) throw errNoDestination(node);
  const flags = parseFlags(node, ADD_FLAGS);
  return {
    kind: 'add',
    range: node.range,
    node,
    ...parseSourcesAndDest(node),
    chown: nonEmpty(flags.string('chown')),
    chmod: nonEmpty(flags.string('chmod')),
    link: flags.bool('link') ?? false,
    checksum: nonEmpty(flags.string('checksum')),
    keepGitDir: flags.bool('keep-git-dir'),
    unpack: flags.bool('unpack'),
    exclude: flags.strings('exclude'),
  };
}
