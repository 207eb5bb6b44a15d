import { describe, expect, it } from 'vitest';
import { splitArguments } from './arguments.js';
import { goQuote } from './go-quote.js';
import { splitOnSpaceRuns, trimGoSpace } from './go-text.js';
import { parseJsonArray } from './json-array.js';
import { parseWords } from './parse-words.js';
import { splitCommand } from './split-command.js';

describe('splitArguments', () => {
  it.each<[string, string, string[], boolean]>([
    ['run', 'echo "a  b"', ['echo "a  b"'], false],
    ['run', '["echo", "a  b"]', ['echo', 'a  b'], true],
    ['run', '[ "a" ,"b" ]', ['a', 'b'], true],
    ['run', "['a']", ["['a']"], false],
    ['run', '["a"', ['["a"'], false],
    ['run', '["a"] x', ['["a"] x'], false],
    ['run', '', [], false],
    ['cmd', '[]', [], true],
    ['entrypoint', '["a", 1e999]', ['["a", 1e999]'], false],
    ['shell', '["/bin/sh", "-c"]', ['/bin/sh', '-c'], true],
    ['copy', 'a  b\tc', ['a', 'b', 'c'], false],
    ['copy', '["a b", "c"]', ['a b', 'c'], true],
    ['add', '', [], false],
    ['volume', '/a /b', ['/a', '/b'], false],
    ['volume', '["/a"]', ['/a'], true],
    ['from', 'img AS base', ['img', 'AS', 'base'], false],
    ['from', 'img\v\fas x', ['img', 'as', 'x'], false],
    ['expose', '80 443/udp', ['80', '443/udp'], false],
    ['user', 'me:group  x', ['me:group  x'], false],
    ['workdir', '/a b', ['/a b'], false],
    ['stopsignal', 'SIGTERM', ['SIGTERM'], false],
    ['maintainer', 'Me <me@x>', ['Me <me@x>'], false],
    ['env', 'A B C', ['A', 'B C', ''], false],
    ['env', 'A=1 B="2 3" C=', ['A', '1', '=', 'B', '"2 3"', '=', 'C', '', '='], false],
    ['env', 'A=a\\ b', ['A', 'a\\ b', '='], false],
    ['env', "A='x\\'", ['A', "'x\\'", '='], false],
    ['env', '', [], false],
    ['label', 'a.b="c d"', ['a.b', '"c d"', '='], false],
    ['label', '"x y"=z', ['"x y"', 'z', '='], false],
    ['arg', 'A B=1 C="2 3"', ['A', 'B=1', 'C="2 3"'], false],
    ['arg', '', [], false],
    ['healthcheck', 'NONE', ['NONE'], false],
    ['healthcheck', 'CMD curl -f x', ['CMD', 'curl -f x'], false],
    ['healthcheck', 'CMD   ["curl", "x"]', ['CMD', 'curl', 'x'], true],
    ['healthcheck', 'CMD', ['CMD'], false],
    ['healthcheck', '', [], false],
    ['bogus', 'x y', [''], false],
  ])('%s %j', (keyword, rest, args, json) => {
    expect(splitArguments(keyword, rest, '\\')).toEqual({ ok: true, args, json });
  });

  it.each([
    ['env', 'PATH', 'ENV must have two arguments'],
    ['label', 'x', 'LABEL must have two arguments'],
    ['env', 'A=1 B', 'Syntax error - can\'t find = in "B". Must be of the form: name=value'],
    ['run', '["a", ["b"]]', 'when using JSON array syntax, arrays must be comprised of strings only'],
    ['copy', '["a", null]', 'when using JSON array syntax, arrays must be comprised of strings only'],
    ['healthcheck', 'CMD [1]', 'when using JSON array syntax, arrays must be comprised of strings only'],
  ])('%s %j fails: %s', (keyword, rest, message) => {
    expect(splitArguments(keyword, rest, '\\')).toMatchObject({ ok: false, message });
  });
});

describe('parseJsonArray', () => {
  it.each<[string, string[]]>([
    ['[]', []],
    ['[""]', ['']],
    ['[ "a", "b" ]', ['a', 'b']],
    ['[\t"a",\t"b"\t]\t', ['a', 'b']],
    ['["abc 123", "♥", "☃", "\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0000"]', ['abc 123', '♥', '☃', '" \\ / \b \f \n \r \t \u0000']],
    ['["\\ud800"]', ['\ufffd']],
  ])('%s is a string array', (text, values) => {
    expect(parseJsonArray(text)).toEqual({ kind: 'array', values });
  });

  it.each(['["a",42,"b"]', '["a",1.5]', '["a",{}]', '["a",{"c":"d"}]', '["a",["c"]]', '["a",true]', '["a",false]', '["a",null]'])(
    '%s is not a string array',
    (text) => {
      expect(parseJsonArray(text).kind).toBe('not-strings');
    },
  );

  it.each(['', ' ["a"]', '{"a":1}', '["a",]', "['a']", '["a" "b"]', '["a"] x', '["a", 1e400]'])(
    '%j is not JSON for BuildKit',
    (text) => {
      expect(parseJsonArray(text).kind).toBe('not-json');
    },
  );

  it('treats nesting deeper than Go allows as not JSON', () => {
    expect(parseJsonArray('['.repeat(10001) + ']'.repeat(10001)).kind).toBe('not-json');
    expect(parseJsonArray('['.repeat(10000) + ']'.repeat(10000)).kind).toBe('not-strings');
  });
});

describe('parseWords', () => {
  it.each<[string, string[]]>([
    ['foo', ['foo']],
    ['foo bar', ['foo', 'bar']],
    ['foo\\ bar', ['foo\\ bar']],
    ['foo=bar', ['foo=bar']],
    ["foo bar 'abc xyz'", ['foo', 'bar', "'abc xyz'"]],
    ['foo bar "abc xyz"', ['foo', 'bar', '"abc xyz"']],
    ['àöû', ['àöû']],
    ['föo bàr "âbc xÿz"', ['föo', 'bàr', '"âbc xÿz"']],
    ['a\\', ['a']],
    ['"a\\', ['"a']],
    ['""', ['""']],
    ['a\u00a0b', ['a', 'b']],
  ])('%j', (text, words) => {
    expect(parseWords(text, '\\')).toEqual(words);
  });

  it('uses the escape directive character', () => {
    expect(parseWords('a` b "c`"d"', '`')).toEqual(['a` b', '"c`"d"']);
  });
});

describe('splitCommand', () => {
  it('splits name, flags and rest with offsets', () => {
    const split = splitCommand('  COPY\t --a=1 --b="x y"  src dst ', '\\');
    expect(split.command).toEqual({ text: 'COPY', start: 2, end: 6 });
    expect(split.flags).toEqual([
      { text: '--a=1', start: 8, end: 13 },
      { text: '--b=x y', start: 14, end: 23 },
    ]);
    expect(split.rest).toEqual({ text: 'src dst', start: 25, end: 32 });
  });

  it.each<[string, string[], string]>([
    ['RUN -- --x', [], '--x'],
    ['RUN --x -- y', ['--x'], 'y'],
    ['RUN --', [], ''],
    ['RUN -x', [], '-x'],
    ['RUN --a\\ b c', ['--a b'], 'c'],
    ['RUN --a="b', ['--a=b'], ''],
    ["RUN --a='' b", ['--a='], 'b'],
  ])('%j', (line, flags, rest) => {
    const split = splitCommand(line, '\\');
    expect(split.flags.map((f) => f.text)).toEqual(flags);
    expect(split.rest.text).toBe(rest);
  });
});

describe('Go text helpers', () => {
  it.each<[string, string]>([
    ['', '""'],
    ['a "b" \\c', '"a \\"b\\" \\\\c"'],
    ['\n\t\r\u0007\b\f\v', '"\\n\\t\\r\\a\\b\\f\\v"'],
    ['\u0000\u001f\u007f', '"\\x00\\x1f\\x7f"'],
    ['♥ é 한', '"♥ é 한"'],
    ['\u00a0\u200b\ufeff', '"\\u00a0\\u200b\\ufeff"'],
    ['😀\u{e0001}', '"😀\\U000e0001"'],
  ])('goQuote(%j) = %s', (text, quoted) => {
    expect(goQuote(text)).toBe(quoted);
  });

  it('splits on runs of [\\t\\v\\f\\r ] like Go regexp.Split', () => {
    expect(splitOnSpaceRuns('a  b\tc ')).toEqual(['a', 'b', 'c', '']);
    expect(splitOnSpaceRuns('a b c', 2)).toEqual(['a', 'b c']);
    expect(splitOnSpaceRuns('a\u00a0b\nc')).toEqual(['a\u00a0b\nc']);
    expect(splitOnSpaceRuns('')).toEqual(['']);
  });

  it('trims Go whitespace but not a byte-order mark', () => {
    expect(trimGoSpace('\u0085\u3000 a \u00a0')).toBe('a');
    expect(trimGoSpace('\ufeffa')).toBe('\ufeffa');
  });
});
