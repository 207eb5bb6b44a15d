import { describe, expect, it } from 'vitest';
import { BuildError } from '../errors/index.js';
import { PatternMatcher } from './pattern-matcher.js';

function ignored(patterns: readonly string[], path: string): boolean {
  return new PatternMatcher(patterns).matches(path);
}

describe('PatternMatcher: single patterns', () => {
  it.each([
    // [pattern, path, ignored]
    ['*.log', 'a.log', true],
    ['*.log', 'logs/x.log', false],
    ['**/*.log', 'logs/sub/y.log', true],
    ['**/*.log', 'a.log', true],
    ['logs', 'logs/sub/y.log', true], // parent-directory rule
    ['logs/*', 'logs/x.log', true],
    ['logs/*', 'logs', false],
    ['logs/**', 'logs/sub/y.log', true],
    ['logs/**', 'logs', false],
    ['**/node_modules', 'a/b/node_modules/x', true],
    ['**/node_modules', 'node_modules', true],
    ['**', 'anything/at/all', true],
    ['**.bin', 'x/y.bin', true], // `**` + suffix is a plain suffix test
    ['*/README.md', 'docs/README.md', true],
    ['*/README.md', 'README.md', false],
    ['temp?', 'temp1', true],
    ['temp?', 'temp12', false],
    ['deep/**/d.txt', 'deep/d.txt', true],
    ['deep/**/d.txt', 'deep/a/b/c/d.txt', true],
    ['deep/*/d.txt', 'deep/a/b/d.txt', false],
    ['a\\[b\\].txt', 'a[b].txt', true],
    ['[a-b].log', 'b.log', true],
    ['[a-b].log', 'c.log', false],
    ['[^a].txt', 'b.txt', true],
    ['[^a].txt', 'a.txt', false],
    // Go regexp classes: `!` does not negate
    ['[!a].txt', 'b.txt', false],
    ['[!a].txt', '!.txt', true],
    ['[[:digit:]]x', '7x', true],
    ['\\d.txt', '5.txt', true],
    // `.+()$` are literal
    ['a.b', 'axb', false],
    ['(x)+$', '(x)+$', true],
    // ... but `|{}` are not escaped by patternmatcher, so they act as in a regexp
    ['a{2}*', 'aa', true],
    ['a{2}*', 'a', false],
    ['x*|*.md', 'docs/README.md', true],
    ['a|b', 'a|b', true], // no wildcard: compared as a string
    ['weird name.txt', 'weird name.txt', true],
    ['*', 'a/b', true],
    ['.*', '.env', true],
    ['.*', 'a/.env', false],
    ['?', 'é', true],
    ['*', 'new\nline', true],
  ])('%s vs %s -> %s', (pattern, path, expected) => {
    expect(ignored([pattern], path)).toBe(expected);
  });
});

describe('PatternMatcher: exceptions and order', () => {
  it.each([
    [['**/*.log', '!logs/keep.log'], 'logs/keep.log', false],
    [['**/*.log', '!logs/keep.log'], 'logs/x.log', true],
    [['!*.log', '*.log'], 'a.log', true], // the last match decides
    [['*', '!src'], 'src/main.js', false],
    [['*', '!src/test'], 'src/main.js', true],
    [['src', '!src/test', 'src/test/fixtures'], 'src/test/t.js', false],
    [['src', '!src/test', 'src/test/fixtures'], 'src/test/fixtures/f.json', true],
    [['build', '!build/keep'], 'build/keep/important.txt', false],
  ] as const)('%j: %s -> %s', (patterns, path, expected) => {
    expect(ignored(patterns, path)).toBe(expected);
  });

  it('carries parent results down a walk (matchesWithParent)', () => {
    const matcher = new PatternMatcher(['build', '!build/keep']);
    const build = matcher.matchesWithParent('build', undefined);
    expect(build.matched).toBe(true);
    const keep = matcher.matchesWithParent('build/keep', build.perPattern);
    expect(keep.matched).toBe(false);
    const file = matcher.matchesWithParent('build/keep/a.txt', keep.perPattern);
    expect(file.matched).toBe(false);
    expect(matcher.matchesWithParent('build/other', build.perPattern).matched).toBe(true);
  });

  it('ignores blank patterns and reports exceptions', () => {
    const matcher = new PatternMatcher(['  ', 'a', '!b']);
    expect(matcher.patterns.map((p) => p.pattern)).toEqual(['a', 'b']);
    expect(matcher.hasExclusions).toBe(true);
    expect(new PatternMatcher(['a']).hasExclusions).toBe(false);
  });
});

describe('PatternMatcher: invalid patterns', () => {
  it.each([
    ['!', 'illegal exclusion pattern'],
    ['a\\', 'syntax error in pattern'],
    ['[a-]', 'syntax error in pattern'],
    ['logs/[', 'syntax error in pattern'],
    ['[z-a]', 'syntax error in pattern'],
    ['\\é', 'syntax error in pattern'],
    ['[[:nope:]]', 'syntax error in pattern'],
    ['a{2}{3}*', 'syntax error in pattern'],
    ['*x{1001}', 'syntax error in pattern'],
  ])('%s', (pattern, reason) => {
    let error: unknown;
    try {
      new PatternMatcher(['ok', pattern]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BuildError);
    const buildError = error as BuildError;
    expect(buildError.code).toBe('INVALID_IGNORE_PATTERN');
    expect(buildError.message).toContain(JSON.stringify(pattern));
    expect(buildError.message).toContain(reason);
    expect(buildError.details['pattern']).toBe(pattern);
  });
});

describe('PatternMatcher: matching stays linear', () => {
  it('handles a pattern that would make a backtracking engine explode', () => {
    const matcher = new PatternMatcher(['*a*a*a*a*a*a*a*a*a*a*a*a*b']);
    const started = performance.now();
    expect(matcher.matches('a'.repeat(4000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
