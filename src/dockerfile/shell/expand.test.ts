import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuildError, isBuildError } from '../../errors/index.js';
import { expandWord, expandWords } from './index.js';
import type { ExpandOptions } from './index.js';

const env = new Map([
  ['A', 'alpha'],
  ['EMPTY', ''],
  ['PATH', '/usr/local/bin:/usr/bin:/bin'],
  ['FILE', 'archive.tar.gz'],
  ['SPACED', '  one two  '],
  ['URL', 'http://example.com/a/b'],
]);

function value(word: string, options?: ExpandOptions): string {
  return expandWord(word, env, options).value;
}

function failure(word: string, options?: ExpandOptions): BuildError {
  try {
    expandWord(word, env, options);
  } catch (error) {
    if (isBuildError(error)) return error;
    throw error;
  }
  throw new Error(`expected ${word} to fail`);
}

describe('expandWord: operators', () => {
  it.each([
    ['$A', 'alpha'],
    ['${A}', 'alpha'],
    ['x${A}y', 'xalphay'],
    ['$UNSET', ''],
    // default value: `-` only when unset, `:-` also when empty
    ['${UNSET-def}', 'def'],
    ['${EMPTY-def}', ''],
    ['${EMPTY:-def}', 'def'],
    ['${A:-def}', 'alpha'],
    ['${UNSET:-$A}', 'alpha'],
    // alternative value
    ['${A+alt}', 'alt'],
    ['${EMPTY+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${UNSET+alt}', ''],
    // required value passes through when present
    ['${A?msg}', 'alpha'],
    ['${EMPTY?msg}', ''],
    ['${A:?msg}', 'alpha'],
    // prefix removal, shortest and longest
    ['${FILE#*.}', 'tar.gz'],
    ['${FILE##*.}', 'gz'],
    ['${PATH#*:}', '/usr/bin:/bin'],
    ['${PATH##*:}', '/bin'],
    ['${FILE#nomatch}', 'archive.tar.gz'],
    // suffix removal, shortest and longest
    ['${FILE%.*}', 'archive.tar'],
    ['${FILE%%.*}', 'archive'],
    ['${FILE%.?z}', 'archive.tar'],
    ['${PATH%:*}', '/usr/local/bin:/usr/bin'],
    // replacement, first and all
    ['${PATH/bin/sbin}', '/usr/local/sbin:/usr/bin:/bin'],
    ['${PATH//bin/sbin}', '/usr/local/sbin:/usr/sbin:/sbin'],
    ['${URL/http:\\/\\//https://}', 'https://example.com/a/b'],
    ['${URL//\\//_}', 'http:__example.com_a_b'],
    ['${FILE/.*/}', 'archive'],
    ['${FILE//a?/X}', 'Xchive.tX.gz'],
    ['${UNSET/a/b}', ''],
    // brackets are literal in BuildKit patterns
    ['${FILE/[a]/X}', 'archive.tar.gz'],
  ])('%s -> %s', (word, expected) => {
    expect(value(word)).toBe(expected);
  });

  it('replaces all matches with Go template rules ($0 is the match, $$ a dollar)', () => {
    const words = new Map([['V', 'abab']]);
    expect(expandWord('${V//b/[\\$0]}', words).value).toBe('a[\\b]a[\\b]');
    const fromVar = new Map([
      ['V', 'abab'],
      ['R', '<$0|$$|$1|${x>'],
    ]);
    expect(expandWord('${V//b/$R}', fromVar).value).toBe('a<b|$||${x>a<b|$||${x>');
    // the single replacement inserts the text as is
    expect(expandWord('${V/b/$R}', fromVar).value).toBe('a<$0|$$|$1|${x>ab');
  });

  it('does not replace an empty match right after a match (Go ReplaceAll)', () => {
    expect(expandWord('${V//*/R}', new Map([['V', 'abc']])).value).toBe('R');
    expect(expandWord('${V///-}', new Map([['V', 'ab']])).value).toBe('-a-b-');
  });

  it('matches wildcards per code point and never across a newline', () => {
    const words = new Map([
      ['V', '😀x😀'],
      ['N', 'a\nb'],
    ]);
    expect(expandWord('${V#?}', words).value).toBe('x😀');
    expect(expandWord('${V%?}', words).value).toBe('😀x');
    expect(expandWord('${N##*}', words).value).toBe('\nb');
    expect(expandWord('${N//*/X}', words).value).toBe('X\nX');
  });

  it('takes `##` from an expanded pattern too, as BuildKit does', () => {
    const words = new Map([
      ['V', 'a.b.c'],
      ['P', '#*.'],
    ]);
    expect(expandWord('${V#$P}', words).value).toBe('c');
  });
});

describe('expandWord: quotes and escapes', () => {
  it.each([
    ["'$A'", '$A'],
    ['"$A"', 'alpha'],
    ['"a\\"b"', 'a"b'],
    ['"a\\$A"', 'a$A'],
    ['"a\\nb"', 'a\\nb'],
    ['a\\ b', 'a b'],
    ['\\$A', '$A'],
    ['trail\\', 'trail'],
    ["'a\\'", 'a\\'],
    ['$', '$'],
    ['$.', '$.'],
    ['a<<  b', 'a<<  b'],
  ])('%s -> %s', (word, expected) => {
    expect(value(word)).toBe(expected);
  });

  it('uses the backtick as escape character when told to', () => {
    expect(value('a`$A\\b', { escapeChar: '`' })).toBe('a$A\\b');
    expect(value('"`"x"', { escapeChar: '`' })).toBe('"x');
  });

  it('keeps quotes and escapes with rawQuotes / rawEscapes', () => {
    expect(value('"$A" \'b\'', { rawQuotes: true })).toBe('"alpha" \'b\'');
    expect(value('a\\ b', { rawEscapes: true })).toBe('a\\ b');
  });

  it('treats quotes as ordinary characters with skipProcessQuotes', () => {
    expect(value('\'$A\' "x"', { skipProcessQuotes: true })).toBe('\'alpha\' "x"');
  });

  it('leaves references to unset variables as written with skipUnsetEnv', () => {
    const options = { skipUnsetEnv: true };
    expect(value('$A $UNSET ${UNSET} ${UNSET:-x} ${UNSET:?m}', options)).toBe(
      'alpha $UNSET ${UNSET} ${UNSET:-x} ${UNSET:?m}',
    );
    expect(value('${UNSET//a/b}', options)).toBe('${UNSET/a/b}');
  });
});

describe('expandWord: errors', () => {
  it.each([
    ['"open', 'unexpected end of statement while looking for matching double-quote'],
    ["'open", 'unexpected end of statement while looking for matching single-quote'],
    ['${A', "syntax error: missing '}'"],
    ['${A:-x', "syntax error: missing '}'"],
    ['${}', 'syntax error: bad substitution'],
    ['${:-x}', 'syntax error: bad substitution'],
    ['${A:=x}', 'unsupported modifier (:=) in substitution'],
    ['${A:#x}', 'unsupported modifier (:#) in substitution'],
    ['${A.}', 'unsupported modifier (.) in substitution'],
    ['${A//x}', "syntax error: missing '/' in ${}"],
    ['${UNSET?}', 'UNSET: is not allowed to be unset'],
    ['${UNSET:?}', 'UNSET: is not allowed to be unset'],
    ['${EMPTY:?}', 'EMPTY: is not allowed to be empty'],
    ['${UNSET:?set UNSET with --build-arg}', 'UNSET: set UNSET with --build-arg'],
    ['${EMPTY:?need $A}', 'EMPTY: need alpha'],
    ['${A#\\x}', "invalid pattern (\\x) in substitution: invalid escape '\\x'"],
  ])('%s fails: %s', (word, reason) => {
    const error = failure(word);
    expect(error.code).toBe('EXPANSION_FAILED');
    expect(error.message).toBe(`failed to process ${JSON.stringify(word)}: ${reason}`);
    expect(error.details).toEqual({ word, reason });
  });

  it('gives a hint for an unterminated quote', () => {
    expect(failure('it"s').hint).toMatch(/close the quote/);
  });
});

describe('expandWord: used and unset names', () => {
  it.each([
    ['plain', [], []],
    ['$A ${UNSET}', ['A', 'UNSET'], ['UNSET']],
    ['${UNSET:-$A}', ['A', 'UNSET'], ['UNSET']],
    ['${A:+$OTHER}', ['A', 'OTHER'], ['OTHER']],
    ["'$QUOTED' \\$ESCAPED", [], []],
    ['${EMPTY}$1', ['1', 'EMPTY'], ['1']],
  ])('%s', (word, used, unset) => {
    const result = expandWord(word, env);
    expect([...result.used].sort()).toEqual(used);
    expect([...result.unset].sort()).toEqual(unset);
  });

  it('accepts a lookup function as the environment', () => {
    const seen: string[] = [];
    const lookup = (name: string): string | undefined => {
      seen.push(name);
      return name === 'X' ? 'x' : undefined;
    };
    expect(expandWord('$X-$Y', lookup).value).toBe('x-');
    expect(seen).toEqual(['X', 'Y']);
  });
});

describe('expandWords', () => {
  it.each([
    ['a b\tc', ['a', 'b', 'c']],
    ['$SPACED', ['one', 'two']],
    ['"$SPACED"', ['  one two  ']],
    ['x${SPACED}y', ['x', 'one', 'two', 'y']],
    ['a\\ b c', ['a b', 'c']],
    ['"" a', ['a']],
    ['', []],
    ['80/tcp ${UNSET:-443}', ['80/tcp', '443']],
    // text before a `${...:-...}` stays in its word (BuildKit >= 0.15 drops it: a regression)
    ['ab${UNSET:-cd}ef', ['abcdef']],
    ['cat <<  EOF', ['cat', '<<  EOF']],
  ])('%s -> %j', (word, expected) => {
    expect(expandWords(word, env).words).toEqual(expected);
  });

  it('splits on Unicode white space as Go does (NBSP and NEL, not the BOM)', () => {
    const words = new Map([['V', 'a\u00a0b\u0085c\ufeffd']]);
    expect(expandWords('$V', words).words).toEqual(['a', 'b', 'c\ufeffd']);
  });
});

describe('expandWord: robustness', () => {
  const alphabet = fc.constantFrom(
    ...'${}:-+?#%/\\`\'"* ab0@<[]\n'.split(''),
    '${A',
    '${UNSET:',
    '😀',
  );
  it('fails only with BuildError EXPANSION_FAILED on any input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: alphabet, maxLength: 24 }), fc.string({ unit: 'grapheme' })),
        fc.record({
          escapeChar: fc.constantFrom('\\' as const, '`' as const),
          skipUnsetEnv: fc.boolean(),
          skipProcessQuotes: fc.boolean(),
          rawQuotes: fc.boolean(),
          rawEscapes: fc.boolean(),
        }),
        (word, options) => {
          try {
            const result = expandWord(word, env, options);
            for (const name of result.unset) expect(result.used.has(name)).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(BuildError);
            expect((error as BuildError).code).toBe('EXPANSION_FAILED');
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('is the identity on words without special characters', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_./,=@-]*$/), (word) => {
        expect(expandWord(word, env).value).toBe(word);
      }),
    );
  });
});
