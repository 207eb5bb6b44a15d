import { describe, expect, it } from 'vitest';
import { splitCsvFields } from './csv-fields.js';
import { parseGoDuration } from './go-duration.js';
import { basePath, cleanPath } from './go-path.js';
import { parseHeredocWord } from './heredoc-word.js';
import { parseRamInBytes } from './ram-in-bytes.js';

const S = 1_000_000_000;

describe('parseGoDuration (Go time.ParseDuration)', () => {
  it.each([
    ['0', 0],
    ['-0', 0],
    ['+0', 0],
    ['0s', 0],
    ['5s', 5 * S],
    ['+5s', 5 * S],
    ['-5s', -5 * S],
    ['1.5h', 5400 * S],
    ['1h30m', 5400 * S],
    ['.5s', S / 2],
    ['5.s', 5 * S],
    ['1ms', 1_000_000],
    ['1us', 1_000],
    ['1\u00b5s', 1_000],
    ['1\u03bcs', 1_000],
    ['3ns', 3],
    ['1h1m1s1ms1us1ns', 3661 * S + 1_001_001],
    ['0.1s', 100_000_000],
    ['1.000000001s', S + 1],
    ['100ms', 100_000_000],
    ['2562047h', 2562047 * 3600 * S],
  ])('%s -> %d ns', (text, ns) => {
    expect(parseGoDuration(text)).toEqual({ ok: true, nanoseconds: ns });
  });

  it.each([
    ['', 'time: invalid duration ""'],
    ['-', 'time: invalid duration "-"'],
    ['s', 'time: invalid duration "s"'],
    ['.s', 'time: invalid duration ".s"'],
    ['.', 'time: invalid duration "."'],
    ['1', 'time: missing unit in duration "1"'],
    ['1s.5', 'time: missing unit in duration "1s.5"'],
    ['5x', 'time: unknown unit "x" in duration "5x"'],
    ['5 s', 'time: unknown unit " s" in duration "5 s"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['99999999999999999999s', 'time: invalid duration "99999999999999999999s"'],
  ])('%j fails: %s', (text, error) => {
    expect(parseGoDuration(text)).toEqual({ ok: false, error });
  });

  it('accepts the most negative duration but not its positive twin', () => {
    expect(parseGoDuration('-9223372036854775808ns').ok).toBe(true);
    expect(parseGoDuration('9223372036854775807ns').ok).toBe(true);
  });
});

describe('parseRamInBytes (go-units RAMInBytes)', () => {
  it.each([
    ['10', 10],
    ['10b', 10],
    ['10B', 10],
    ['1k', 1024],
    ['1K', 1024],
    ['1kb', 1024],
    ['1KiB', 1024],
    ['10 kb', 10240],
    ['64m', 64 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['1.5k', 1536],
    ['1t', 1024 ** 4],
    ['1p', 1024 ** 5],
    ['2.9', 2],
    ['1e3', 1000],
  ])('%s -> %d', (text, bytes) => {
    expect(parseRamInBytes(text)).toEqual({ ok: true, bytes });
  });

  it.each([
    ['abc', "invalid size: 'abc'"],
    ['', "invalid size: ''"],
    ['-1', "invalid size: '-1'"],
    ['1x', "invalid suffix: 'x'"],
    ['1kbb', "invalid suffix: 'kbb'"],
    ['1kx', "invalid suffix: 'kx'"],
    ['1bb', "invalid suffix: 'bb'"],
    ['1kibb', "invalid suffix: 'kibb'"],
    ['1.2.3', 'strconv.ParseFloat: parsing "1.2.3": invalid syntax'],
  ])('%j fails: %s', (text, error) => {
    expect(parseRamInBytes(text)).toEqual({ ok: false, error });
  });
});

describe('splitCsvFields (Go encoding/csv, one line)', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['type=bind,', ['type=bind', '']],
    ['a', ['a']],
    [',', ['', '']],
    ['"a,b",c', ['a,b', 'c']],
    ['"source=a,b",target=/x', ['source=a,b', 'target=/x']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['""', ['']],
    ['a\n', ['a']],
    [' a , b', [' a ', ' b']],
  ])('%j -> %j', (text, fields) => {
    expect(splitCsvFields(text)).toEqual({ ok: true, fields });
  });

  it.each([
    ['', 'EOF'],
    ['a"b', 'parse error on line 1, column 2: bare " in non-quoted-field'],
    ['"ab', 'parse error on line 1, column 2: extraneous or missing " in quoted-field'],
    ['"a"b', 'parse error on line 1, column 3: extraneous or missing " in quoted-field'],
  ])('%j fails: %s', (text, error) => {
    expect(splitCsvFields(text)).toEqual({ ok: false, error });
  });
});

describe('Go path helpers', () => {
  it.each([
    ['', '.'],
    ['/', '/'],
    ['a/../b/', 'b'],
    ['/../x', '/x'],
    ['../a', '../a'],
    ['/var//cache/./apt/', '/var/cache/apt'],
    ['a/..', '.'],
  ])('cleanPath(%j) = %j', (input, output) => {
    expect(cleanPath(input)).toBe(output);
  });

  it.each([
    ['', '.'],
    ['/', '/'],
    ['/run/secrets/token', 'token'],
    ['dir/', 'dir'],
    ['name', 'name'],
  ])('basePath(%j) = %j', (input, output) => {
    expect(basePath(input)).toBe(output);
  });
});

describe('parseHeredocWord', () => {
  it.each([
    ['<<EOF', { name: 'EOF', chomp: false, expand: true, fileDescriptor: 0 }],
    ['<<-EOF', { name: 'EOF', chomp: true, expand: true, fileDescriptor: 0 }],
    ['<<"EOF"', { name: 'EOF', chomp: false, expand: false, fileDescriptor: 0 }],
    ["<<-'file.txt'", { name: 'file.txt', chomp: true, expand: false, fileDescriptor: 0 }],
    ['<<E"O"F', { name: 'EOF', chomp: false, expand: false, fileDescriptor: 0 }],
    ['3<<EOF', { name: 'EOF', chomp: false, expand: true, fileDescriptor: 3 }],
  ])('%s', (word, expected) => {
    expect(parseHeredocWord(word)).toEqual(expected);
  });

  it.each(['EOF', '<<', '<<EOF cat', 'cat <<EOF', '<<<EOF', '/dst/', '<<"EOF'])('%j is not a heredoc', (word) => {
    expect(parseHeredocWord(word)).toBeUndefined();
  });
});
