import { describe, expect, it } from 'vitest';
import { ancestorsOf, entryPath, isWithin, parentOf } from './entry-path.js';

describe('entryPath', () => {
  it.each([
    ['a', 'a'],
    ['./a/b/', 'a/b'],
    ['a//b', 'a/b'],
    ['a/./b', 'a/b'],
    ['a/../b', 'b'],
    ['./', ''],
    ['.', ''],
    ['a/..', ''],
  ])('%j → %j', (name, expected) => {
    expect(entryPath(name, 'layer x')).toBe(expected);
  });

  it.each([
    ['', /empty or invalid/],
    ['a\0b', /empty or invalid/],
    ['/etc/passwd', /absolute path/],
    ['..', /climbs out/],
    ['../x', /climbs out/],
    ['a/../../x', /climbs out/],
    ['./../x', /climbs out/],
  ])('refuses %j', (name, problem) => {
    expect(() => entryPath(name, 'layer x')).toThrow(expect.objectContaining({ code: 'UNSAFE_LAYER_PATH', message: expect.stringMatching(problem) as unknown }) as Error);
  });
});

describe('path helpers', () => {
  it.each([
    ['a', '', []],
    ['a/b', 'a', ['a']],
    ['a/b/c', 'a/b', ['a', 'a/b']],
  ])('%j: parent %j, ancestors %j', (rel, parent, ancestors) => {
    expect(parentOf(rel)).toBe(parent);
    expect(ancestorsOf(rel)).toEqual(ancestors);
  });

  it.each([
    ['a/b', 'a', true],
    ['a', 'a', true],
    ['ab', 'a', false],
    ['a', '', true],
    ['b/a', 'a', false],
  ])('isWithin(%j, %j) = %j', (path, dir, expected) => {
    expect(isWithin(path, dir)).toBe(expected);
  });
});
