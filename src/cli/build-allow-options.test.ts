import { describe, expect, it } from 'vitest';
import { BuildError } from '../errors/index.js';
import { parseAllowOptions } from './build-allow-options.js';

describe('parseAllowOptions', () => {
  it.each([
    { values: [], expected: [] },
    { values: ['security.insecure'], expected: ['security.insecure'] },
    { values: ['network.host', 'security.insecure'], expected: ['network.host', 'security.insecure'] },
    { values: ['security.insecure,network.host'], expected: ['security.insecure', 'network.host'] },
    { values: ['network.host', ' network.host ,'], expected: ['network.host'] },
  ])('$values -> $expected', ({ values, expected }) => {
    expect(parseAllowOptions(values)).toEqual(expected);
  });

  it.each([
    { value: 'security.insecur', suggestion: 'security.insecure' },
    { value: 'network.hots', suggestion: 'network.host' },
    { value: 'device', suggestion: undefined },
  ])('refuses $value as a usage error', ({ value, suggestion }) => {
    let error: unknown;
    try {
      parseAllowOptions([value]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BuildError);
    const e = error as BuildError;
    expect(e.code).toBe('USAGE');
    expect(e.message).toContain(JSON.stringify(value));
    expect(e.hint).toContain('network.host and security.insecure');
    if (suggestion !== undefined) expect(e.hint).toContain(`did you mean "${suggestion}"`);
    else expect(e.hint).not.toContain('did you mean');
  });
});
