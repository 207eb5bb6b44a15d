import { readFileSync } from 'node:fs';
import { codeFrame, isBuildError } from '../errors/index.js';

/** Exit codes, as docker's: 0 ok, 1 a build (user) error, 2 usage, 70 an internal error. */
export const ExitCode = { ok: 0, buildError: 1, usage: 2, internal: 70 } as const;

function readSource(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Formats an error for a person: for a BuildError the message, `FILE:LINE` and a code frame of the
 * lines it points at, and the hint; for anything else "internal error" and the stack.
 * Returns the exit code the process should end with.
 */
export function formatError(err: unknown, sourceOf: (file: string) => string | undefined = readSource): {
  text: string;
  exitCode: number;
} {
  if (isBuildError(err)) {
    const parts: string[] = [];
    const first = err.locations[0];
    if (err.file !== undefined && first !== undefined) {
      parts.push(`${err.file}:${first.start.line}`);
      const source = sourceOf(err.file);
      if (source !== undefined) {
        const frame = codeFrame(source, err.locations);
        if (frame !== '') parts.push(frame);
      }
    }
    parts.push(`ERROR: ${err.message}`);
    if (err.hint !== undefined) parts.push(`hint: ${err.hint}`);
    return { text: parts.join('\n'), exitCode: err.code === 'USAGE' ? ExitCode.usage : ExitCode.buildError };
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return {
    text: `internal error (this is a bug in stagecraft, please report it):\n${stack}`,
    exitCode: ExitCode.internal,
  };
}
