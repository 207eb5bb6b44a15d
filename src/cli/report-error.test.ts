import { describe, expect, it } from 'vitest';
import { BuildError, lineRange } from '../errors/index.js';
import { formatError } from './report-error.js';

describe('formatError', () => {
  it('prints file:line, a code frame and the hint for a build error', () => {
    const err = new BuildError('UNKNOWN_INSTRUCTION', 'unknown instruction: RUNN', {
      locations: [lineRange(2)],
      file: 'Dockerfile',
      hint: 'did you mean RUN?',
    });
    const { text, exitCode } = formatError(err, () => 'FROM x\nRUNN y\n');
    expect(exitCode).toBe(1);
    expect(text).toContain('Dockerfile:2');
    expect(text).toContain('>>> RUNN y');
    expect(text).toContain('ERROR: unknown instruction: RUNN');
    expect(text).toContain('hint: did you mean RUN?');
  });
  it('calls anything else an internal error with exit 70', () => {
    const { text, exitCode } = formatError(new TypeError('boom'));
    expect(exitCode).toBe(70);
    expect(text).toMatch(/^internal error/);
    expect(text).toContain('boom');
  });
});
