import { describe, expect, it } from 'vitest';
import { CheckOptionsError, checkOptionsFromComments, mergeCheckOptions, parseCheckOptions } from './check-options.js';

describe('parseCheckOptions', () => {
  it.each([
    ['', { skipAll: false, skip: [], error: false }],
    ['   ', { skipAll: false, skip: [], error: false }],
    ['skip=all', { skipAll: true, skip: [], error: false }],
    ['skip=StageNameCasing,FromAsCasing', { skipAll: false, skip: ['StageNameCasing', 'FromAsCasing'], error: false }],
    ['skip = A , B ;error=true', { skipAll: false, skip: ['A', 'B'], error: true }],
    ['error=1', { skipAll: false, skip: [], error: true }],
    ['error=False;skip=all', { skipAll: true, skip: [], error: false }],
    ['skip=all;error=true;experimental=all', { skipAll: true, skip: [], error: true }],
  ])('%j', (text, want) => {
    const options = parseCheckOptions(text);
    expect({ skipAll: options.skipAll, skip: [...options.skip], error: options.error }).toEqual(want);
  });

  it.each([
    ['skip', 'invalid check option "skip"'],
    ['frobnicate=1', 'invalid check option "frobnicate"'],
    ['error=maybe', 'failed to parse check option "error=maybe"'],
    // As BuildKit: only three parts are split off; the fourth stays glued to the third.
    ['skip=a;skip=b;error=true;error=false', 'failed to parse check option "error=true;error=false"'],
  ])('%j is refused', (text, message) => {
    expect(() => parseCheckOptions(text)).toThrow(CheckOptionsError);
    expect(() => parseCheckOptions(text)).toThrow(message);
  });
});

describe('checkOptionsFromComments', () => {
  it.each([
    [['check=skip=all // local to this instruction'], true, []],
    [['a comment', 'check = skip=JSONArgsRecommended'], false, ['JSONArgsRecommended']],
    [['CHECK=skip=X'], false, ['X']],
  ])('%j', (comments, skipAll, skip) => {
    const options = checkOptionsFromComments(comments);
    expect(options?.skipAll).toBe(skipAll);
    expect([...(options?.skip ?? [])]).toEqual(skip);
  });

  it.each([[[]], [['just words']], [['check=nonsense']], [['syntax=docker/dockerfile:1']]])('%j gives nothing', (comments) => {
    expect(checkOptionsFromComments(comments)).toBeUndefined();
  });
});

describe('mergeCheckOptions', () => {
  it('adds skips, keeps the base error setting', () => {
    const merged = mergeCheckOptions(parseCheckOptions('skip=A;error=true'), parseCheckOptions('skip=B;error=false'));
    expect([...merged.skip].sort()).toEqual(['A', 'B']);
    expect(merged.error).toBe(true);
    expect(merged.skipAll).toBe(false);
    expect(mergeCheckOptions(parseCheckOptions(''), parseCheckOptions('skip=all')).skipAll).toBe(true);
  });
});
