import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { docCommentFor } from './doc-comment.js';
import { errAtLeastOneArgument, errBlankNames } from './fail.js';

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

/** As in BuildKit, ARG does not read its flags: any written are ignored (lint reports them). */
export function parseArg(node: InstructionNode): ArgInstruction {
  if (node.args.length === 0) throw errAtLeastOneArgument(node);
  const args = node.args.map((word): ArgDefinition => {
    const eq = word.indexOf('=');
    const key = eq === -1 ? word : word.slice(0, eq);
    if (eq === 0) throw errBlankNames(node);
    return {
      key,
      value: eq === -1 ? undefined : word.slice(eq + 1),
      description: docCommentFor(node.comments, key),
    };
  });
  return { kind: 'arg', range: node.range, node, args };
}
