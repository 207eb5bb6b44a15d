import { describe, expect, it } from 'vitest';
import { BuildError, isBuildError } from '../../errors/index.js';
import { parseFlags } from './flags.js';
import type { FlagSpec } from './flags.js';
import { nodeOf } from './node-fixture.js';

const SPEC: FlagSpec = { link: 'bool', from: 'string', exclude: 'strings', chown: 'string' };

function flagsOf(flags: readonly string[]) {
  return parseFlags(nodeOf('COPY', { flags, args: ['a', 'b'] }), SPEC);
}

function errorOf(flags: readonly string[]): BuildError {
  try {
    flagsOf(flags);
  } catch (error) {
    if (isBuildError(error)) return error;
    throw error;
  }
  throw new Error('expected a BuildError');
}

describe('parseFlags (BuildKit BFlags rules)', () => {
  it.each([
    [['--link'], true],
    [['--link=true'], true],
    [['--link=TRUE'], true],
    [['--link=False'], false],
    [['--link=false'], false],
    [[], undefined],
  ])('bool %j -> %s', (flags, expected) => {
    expect(flagsOf(flags).bool('link')).toBe(expected);
  });

  it.each([
    [['--from=builder'], 'builder'],
    [['--from='], ''],
    [['--from=a=b'], 'a=b'],
    [[], undefined],
  ])('string %j -> %j', (flags, expected) => {
    expect(flagsOf(flags).string('from')).toBe(expected);
  });

  it('collects a repeatable flag in order and records use order', () => {
    const parsed = flagsOf(['--exclude=*.md', '--from=x', '--exclude=', '--exclude=tmp/**']);
    expect(parsed.strings('exclude')).toEqual(['*.md', '', 'tmp/**']);
    expect(parsed.used).toEqual(['exclude', 'from']);
    expect(parsed.tokens('exclude')).toHaveLength(3);
    expect(parsed.strings('chown')).toEqual([]);
  });

  it('stops at --', () => {
    const parsed = flagsOf(['--link', '--', '--bogus']);
    expect(parsed.bool('link')).toBe(true);
    expect(parsed.used).toEqual(['link']);
  });

  it.each([
    // flags, code, message, hint, column of the offending flag
    [['--frm=a'], 'UNKNOWN_FLAG', 'unknown flag: --frm', 'did you mean --from?', 6],
    [['--link', '--chonw=1'], 'UNKNOWN_FLAG', 'unknown flag: --chonw', 'did you mean --chown?', 13],
    [['--zzzzzzzz'], 'UNKNOWN_FLAG', 'unknown flag: --zzzzzzzz', undefined, 6],
    [['--from=a', '--from=b'], 'DUPLICATE_FLAG', 'duplicate flag specified: --from', undefined, 15],
    [['--link', '--link'], 'DUPLICATE_FLAG', 'duplicate flag specified: --link', undefined, 13],
    [['--link='], 'INVALID_FLAG_VALUE', 'missing a value on flag: --link', undefined, 6],
    [['--link=yes'], 'INVALID_FLAG_VALUE', 'expecting boolean value for flag --link, not: yes', undefined, 6],
    [['--from'], 'INVALID_FLAG_VALUE', 'missing a value on flag: --from', undefined, 6],
    [['--exclude'], 'INVALID_FLAG_VALUE', 'missing a value on flag: --exclude', undefined, 6],
    [['-x'], 'INVALID_INSTRUCTION', 'arg should start with -- : -x', undefined, 6],
  ])('%j -> %s', (flags, code, message, hint, column) => {
    const error = errorOf(flags);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.hint).toBe(hint);
    expect(error.locations[0]?.start).toEqual({ line: 1, column });
  });

  it('reports an unknown flag on an instruction that takes none', () => {
    let caught: unknown;
    try {
      parseFlags(nodeOf('ENV', { flags: ['--from=x'], args: ['a', 'b', '='] }), {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BuildError);
    expect((caught as BuildError).code).toBe('UNKNOWN_FLAG');
    expect((caught as BuildError).hint).toBeUndefined();
  });
});
