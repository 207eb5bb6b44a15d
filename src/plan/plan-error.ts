import { BuildError, isBuildError } from '../errors/index.js';
import type { ErrorCode, SourceRange } from '../errors/index.js';

/** A planning error located at `range` (the instruction it is about). */
export function planError(
  code: ErrorCode,
  message: string,
  range: SourceRange,
  options: { readonly file?: string | undefined; readonly hint?: string | undefined; readonly details?: Record<string, unknown> } = {},
): BuildError {
  return new BuildError(code, message, {
    locations: [range],
    ...(options.file !== undefined ? { file: options.file } : {}),
    ...(options.hint !== undefined ? { hint: options.hint } : {}),
    ...(options.details !== undefined ? { details: options.details } : {}),
  });
}

/**
 * Runs `fn`; a BuildError it throws gets `range` appended to its locations (the ranges it already
 * had, the parser's exact ones, stay first). Anything else is a bug and passes through untouched.
 */
export function atInstruction<T>(range: SourceRange, file: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isBuildError(error)) {
      const last = error.locations[error.locations.length - 1];
      if (last !== undefined && sameRange(last, range)) throw error;
      throw error.withLocation(range, file);
    }
    throw error;
  }
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.column === b.start.column &&
    a.end.line === b.end.line &&
    a.end.column === b.end.column
  );
}

export function didYouMean(suggestion: string | undefined): string | undefined {
  return suggestion === undefined ? undefined : `did you mean ${JSON.stringify(suggestion)}?`;
}
