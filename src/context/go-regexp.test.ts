import { describe, expect, it } from 'vitest';
import { CompiledRegexp } from './go-regexp-match.js';
import { parseGoRegexp, RegexSyntaxError } from './go-regexp-parse.js';

function test(source: string, text: string): boolean {
  return new CompiledRegexp(parseGoRegexp(source)).test(text);
}

describe('Go regexp subset', () => {
  it.each([
    ['^a(.*/)?b$', 'a/x/y/c', false],
    ['^a(.*/)?b$', 'a/x/y/b', true],
    ['^a(.*/)?b$', 'ab', true],
    ['^a/(.*/)?b$', 'a/x/y/b', true],
    ['^[^/]*$', 'a/b', false],
    ['^[^/]*$', 'a\nb', true],
    ['^.*$', 'a\nb', false],
    ['b', 'abc', true], // unanchored search
    ['^a|c$', 'xc', true],
    ['^a{2,3}$', 'aaaa', false],
    ['^a{2,3}$', 'aaa', true],
    ['^a{2,}$', 'aaaaaa', true],
    ['^x{,2}$', 'x{,2}', true], // not a count: literal
    ['^[]a]$', ']', true],
    ['^[^]a]$', 'b', true],
    ['^[a-]$', '-', true],
    ['^[[:alpha:][:digit:]]+$', 'ab12', true],
    ['^[[:^alpha:]]$', 'a', false],
    ['^\\d\\s\\w$', '1 _', true],
    ['^[\\D]$', '1', false],
    ['^\\x41\\x{42}\\103$', 'ABC', true],
    ['^\\Qa*b\\E$', 'a*b', true],
    ['^\\pL+$', 'héllo', true],
    ['^\\p{Greek}$', 'λ', true],
    ['^\\P{Greek}$', 'λ', false],
    ['\\bfoo\\b', 'a foo b', true],
    ['\\Bfoo', 'afoo', true],
    ['^[^/]$', '😀', true],
  ])('%s on %j -> %s', (source, text, expected) => {
    expect(test(source, text)).toBe(expected);
  });

  it.each(['a**', '*a', '(a', 'a)', '[a', '[z-a]', '\\q', '\\C', '\\8', 'a{1001}', 'a{3,2}', '|*', '[[:x:]]', '\\'])(
    '%s is a syntax error',
    (source) => {
      expect(() => parseGoRegexp(source)).toThrow(RegexSyntaxError);
    },
  );
});
