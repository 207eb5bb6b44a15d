import { describe, expect, it } from 'vitest';
import { cleanPath } from './clean-path.js';

describe('cleanPath (Go path.Clean)', () => {
  it.each([
    ['', '.'],
    ['.', '.'],
    ['./', '.'],
    ['a/b', 'a/b'],
    ['a//b/', 'a/b'],
    ['./logs', 'logs'],
    ['a/./b/.', 'a/b'],
    ['src/test/../main.js', 'src/main.js'],
    ['a/../..', '..'],
    ['../a/..', '..'],
    ['../../x', '../../x'],
    ['/', '/'],
    ['//', '/'],
    ['/..', '/'],
    ['/../a', '/a'],
    ['/a/b/../../..', '/'],
    ['*/', '*'],
    ['**/', '**'],
    ['!a/../b', 'b'],
  ])('%j -> %j', (input, expected) => {
    expect(cleanPath(input)).toBe(expected);
  });
});
