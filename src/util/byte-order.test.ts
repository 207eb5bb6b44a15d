import { describe, expect, it } from 'vitest';
import { sortByBytes } from './byte-order.js';

const byUtf8 = (names: string[]): string[] => [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe('sortByBytes', () => {
  it('orders names as UTF-8 bytes (as Go sorts directory entries)', () => {
    const names = ['b', 'B', 'a.txt', 'a-txt', 'a', 'Z', '_x', '10', '9', 'é', 'z', '~', 'ü', '日本', 'ﬀ'];
    expect(sortByBytes([...names])).toEqual(byUtf8(names));
  });

  it('puts characters beyond U+FFFF after U+E000-U+FFFF, where UTF-16 order would not', () => {
    const names = ['\u{1F600}.txt', '\uFF21', '\uE000', 'a'];
    // by code unit, the emoji's high surrogate (0xD83D) sorts before U+E000
    expect([...names].sort()).not.toEqual(byUtf8(names));
    expect(sortByBytes([...names])).toEqual(byUtf8(names));
    expect(sortByBytes([...names])).toEqual(['a', '\uE000', '\uFF21', '\u{1F600}.txt']);
  });
});
