import { describe, expect, it } from 'vitest';
import { containsWildcards, GlobSyntaxError, matchGlob, splitWildcards } from './go-glob.js';

// [pattern, name, matches] with Go's filepath.Match semantics on Unix
const MATCHES: readonly (readonly [string, string, boolean])[] = [
  ['abc', 'abc', true],
  ['abc', 'abd', false],
  ['*', 'abc', true],
  ['*', '', true],
  ['*', 'a/b', false],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', 'a', false],
  ['*x', 'xxx', true],
  ['a[/]b', 'a/b', true],
  ['index.?s', 'index.js', true],
  ['index.?s', 'index.ts', true],
  ['arr[[]0].txt', 'arr[0].txt', true],
  ['*.png', '.hidden.png', true],
];

const BAD: readonly string[] = ['[]a]', '[-]', '[x-]', '[a-b-c]', '[', '[^', '[^bc', 'a[', 'a\\', '[\\', '*\\'];

describe('Go filepath.Match', () => {
  for (const [pattern, name, expected] of MATCHES) {
    it(`${pattern} ~ ${name} = ${String(expected)}`, () => {
      expect(matchGlob(pattern, name)).toBe(expected);
    });
  }
  for (const pattern of BAD) {
    it(`${pattern} is a bad pattern`, () => {
      expect(() => matchGlob(pattern, 'x')).toThrow(GlobSyntaxError);
    });
  }

  it('finds wildcards, not escaped ones', () => {
    expect(['a*', 'a?', 'a[b]', 'a\\*', 'plain', 'a\\[b'].map(containsWildcards)).toEqual([true, true, true, false, false, false]);
  });

  it('splits a path at the first element with a wildcard', () => {
    expect(splitWildcards('/a/b/c*/d')).toEqual({ literal: '/a/b', pattern: 'c*/d' });
    expect(splitWildcards('/*.txt')).toEqual({ literal: '/', pattern: '*.txt' });
    expect(splitWildcards('/a/b')).toEqual({ literal: '/a/b', pattern: '' });
  });
});
