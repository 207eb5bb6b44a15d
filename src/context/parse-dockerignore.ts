import { Buffer } from 'node:buffer';
import { BuildError } from '../errors/index.js';
import { cleanPath } from './clean-path.js';
import { trimSpace } from './white-space.js';

// Go's bufio.Scanner refuses lines of this many bytes or more; Docker then fails the build.
const MAX_LINE_BYTES = 64 * 1024;

export interface ParseDockerignoreOptions {
  /** Shown in errors (e.g. `Dockerfile.dockerignore`). */
  readonly file?: string;
}

/**
 * The patterns of a `.dockerignore` file, read as Docker reads it: a UTF-8 byte-order mark is
 * dropped; a line whose first character is `#` is a comment (a `#` after leading spaces is not);
 * each pattern is trimmed of white space, a leading `!` marks an exception (spaces after it are
 * trimmed too), the path is cleaned (`./a//b/` -> `a/b`, `a/../b` -> `b`) and a leading `/` is
 * dropped. Blank lines are skipped. Patterns are returned in file order, exceptions with `!`.
 */
export function parseDockerignore(text: string, options: ParseDockerignoreOptions = {}): string[] {
  const patterns: string[] = [];
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split('\n');
  lines.forEach((rawLine, index) => {
    if (rawLine.length * 3 >= MAX_LINE_BYTES && Buffer.byteLength(rawLine) >= MAX_LINE_BYTES) {
      throw new BuildError('INVALID_IGNORE_PATTERN', `line ${index + 1} of ${options.file ?? '.dockerignore'} is too long`, {
        details: { line: index + 1 },
        ...(options.file !== undefined ? { file: options.file } : {}),
      });
    }
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith('#')) return;
    let pattern = trimSpace(line);
    if (pattern === '') return;
    const exception = pattern.startsWith('!');
    if (exception) pattern = trimSpace(pattern.slice(1));
    if (pattern !== '') {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(exception ? '!' + pattern : pattern);
  });
  return patterns;
}
