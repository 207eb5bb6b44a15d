import { describe, expect, it } from 'vitest';
import { goDuration, goList, goQuote, goQuotedList, goSetMap } from './go-format.js';

describe('goDuration (time.Duration.String)', () => {
  const second = 1_000_000_000;
  it.each([
    [0, '0s'],
    [1, '1ns'],
    [999, '999ns'],
    [1_500, '1.5µs'],
    [2_000_000, '2ms'],
    [1_500_000, '1.5ms'],
    [second, '1s'],
    [1.5 * second, '1.5s'],
    [30 * second, '30s'],
    [90 * second, '1m30s'],
    [300 * second, '5m0s'],
    [3600 * second, '1h0m0s'],
    [3723 * second, '1h2m3s'],
    [-2 * second, '-2s'],
  ])('%d ns is %s', (ns, text) => {
    expect(goDuration(ns)).toBe(text);
  });
});

describe('Go quoting and printing', () => {
  it.each([
    ['node', '"node"'],
    ['a "b" c', '"a \\"b\\" c"'],
    ['back\\slash', '"back\\\\slash"'],
    ['tab\there\nnewline', '"tab\\there\\nnewline"'],
    ['\x01', '"\\x01"'],
    ['héllo wörld', '"héllo wörld"'],
    ['\u200b', '"\\u200b"'],
  ])('strconv.Quote(%j) = %s', (input, quoted) => {
    expect(goQuote(input)).toBe(quoted);
  });

  it('prints slices and sets as fmt does', () => {
    expect(goQuotedList(['node', 'app.js'])).toBe('["node" "app.js"]');
    expect(goList(['/bin/bash', '-c'])).toBe('[/bin/bash -c]');
    expect(goList([])).toBe('[]');
    expect(goSetMap(['80/tcp', '3000/tcp', '53/udp', '80/tcp'])).toBe('map[3000/tcp:{} 53/udp:{} 80/tcp:{}]');
  });
});
