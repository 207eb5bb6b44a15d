import { describe, expect, it } from 'vitest';
import { displayWidth, formatBytes, formatLogOffset, formatSeconds, sanitizeLine, truncateToWidth } from './format.js';

describe('formatBytes (go units, %.2f)', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1000, '1.00kB'],
    [1234, '1.23kB'],
    [28_570_000, '28.57MB'],
    [999_999, '1000.00kB'],
    [3_400_000_000, '3.40GB'],
    [2e15, '2.00PB'],
  ])('%i bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('durations', () => {
  it.each([
    [0, '0.0'],
    [44, '0.0'],
    [4210, '4.2'],
    [-5, '0.0'],
    [123_456, '123.5'],
  ])('%i ms is %s s', (ms, text) => {
    expect(formatSeconds(ms)).toBe(text);
  });

  it.each([
    [512, '0.512'],
    [9_999, '9.999'],
    [10_000, '10.00'],
    [99_994, '99.99'],
    [100_000, '100.0'],
    [-3, '0.000'],
  ])('a log line %i ms into its step is stamped %s', (ms, text) => {
    expect(formatLogOffset(ms)).toBe(text);
  });
});

describe('terminal text', () => {
  it.each([
    ['plain', 'plain'],
    ['\x1b[1;31mred\x1b[0m', 'red'],
    ['\x1b]0;title\x07after', 'after'],
    ['10%\r50%\r100%', '100%'],
    ['windows line\r', 'windows line'],
    ['a\tb', 'a       b'],
    ['ab\tc', 'ab      c'],
    ['bell\x07 and \x00nul', 'bell and nul'],
  ])('sanitizeLine(%j) is %j', (text, clean) => {
    expect(sanitizeLine(text)).toBe(clean);
  });

  it.each([
    ['abc', 3],
    ['\u4e2d\u6587', 4],
    ['e\u0301', 1],
    ['\u{1f600}', 2],
  ])('displayWidth(%j) is %i', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it.each([
    ['abcdef', 4, 'abcd'],
    ['abc', 10, 'abc'],
    ['\u4e2d\u6587\u5b57', 5, '\u4e2d\u6587'],
    ['\u{1f600}\u{1f600}', 3, '\u{1f600}'],
    ['abc', 0, ''],
  ])('truncateToWidth(%j, %i) is %j', (text, columns, cut) => {
    expect(truncateToWidth(text, columns)).toBe(cut);
  });
});
