import { BuildError } from '../../errors/index.js';
import type { ErrorCode, SourceRange } from '../../errors/index.js';
import type { InstructionNode } from '../syntax/ast.js';

export interface FailOptions {
  readonly hint?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A BuildError located at `range`. */
export function failAt(
  code: ErrorCode,
  message: string,
  range: SourceRange,
  options: FailOptions = {},
): BuildError {
  return new BuildError(code, message, {
    locations: [range],
    ...(options.hint !== undefined ? { hint: options.hint } : {}),
    ...(options.details !== undefined ? { details: options.details } : {}),
  });
}

/** The instruction's name as BuildKit prints it in messages (`COPY`). */
export function upperName(node: InstructionNode): string {
  return node.keyword.toUpperCase();
}

export function errAtLeastOneArgument(node: InstructionNode): BuildError {
  return failAt('MISSING_ARGUMENT', `${upperName(node)} requires at least one argument`, node.range, {
    details: { instruction: upperName(node) },
  });
}

export function errExactlyOneArgument(node: InstructionNode): BuildError {
  return failAt(
    node.args.length === 0 ? 'MISSING_ARGUMENT' : 'INVALID_INSTRUCTION',
    `${upperName(node)} requires exactly one argument`,
    node.range,
    { details: { instruction: upperName(node), count: node.args.length } },
  );
}

export function errNoDestination(node: InstructionNode): BuildError {
  return failAt(
    'MISSING_ARGUMENT',
    `${upperName(node)} requires at least two arguments, but only one was provided. Destination could not be determined`,
    node.range,
    { details: { instruction: upperName(node), count: node.args.length } },
  );
}

export function errBlankNames(node: InstructionNode): BuildError {
  return failAt('INVALID_INSTRUCTION', `${upperName(node)} names can not be blank`, node.range);
}
