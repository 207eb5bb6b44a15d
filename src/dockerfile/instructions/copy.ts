import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { errNoDestination } from './fail.js';
import { parseFlags } from './flags.js';
import { parseSourcesAndDest } from './sources.js';
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

export const COPY_FLAGS = {
  chown: 'string',
  from: 'string',
  chmod: 'string',
  link: 'bool',
  exclude: 'strings',
  parents: 'bool',
} as const;

export function parseCopy(node: InstructionNode): CopyInstruction {
  if (node.args.length < 2) throw errNoDestination(node);
  const flags = parseFlags(node, COPY_FLAGS);
  return {
    kind: 'copy',
    range: node.range,
    node,
    ...parseSourcesAndDest(node),
    from: nonEmpty(flags.string('from')),
    chown: nonEmpty(flags.string('chown')),
    chmod: nonEmpty(flags.string('chmod')),
    link: flags.bool('link') ?? false,
    parents: flags.bool('parents') ?? false,
    exclude: flags.strings('exclude'),
  };
}

/** BuildKit treats an empty string flag (`--chown=`) as not given. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
