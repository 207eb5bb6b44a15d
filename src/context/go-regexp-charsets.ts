/** Character sets of Go's regexp syntax (ASCII Perl and POSIX classes, Unicode classes). */

/** A set of code points, as a predicate. */
export type CharSet = (cp: number) => boolean;

export class RegexSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegexSyntaxError';
  }
}

type Range = readonly [number, number];

export const MAX_RUNE = 0x10ffff;
export const ranges = (...list: Range[]): CharSet => (cp) => list.some(([lo, hi]) => cp >= lo && cp <= hi);
export const negate = (set: CharSet): CharSet => (cp) => !set(cp);
export const code = (ch: string): number => ch.codePointAt(0) ?? 0;

const DIGIT: Range = [0x30, 0x39];
const UPPER: Range = [0x41, 0x5a];
const LOWER: Range = [0x61, 0x7a];
export const PERL_CLASSES: Readonly<Record<string, CharSet>> = {
  d: ranges(DIGIT),
  s: ranges([0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]),
  w: ranges(DIGIT, UPPER, LOWER, [0x5f, 0x5f]),
};
export const POSIX_CLASSES: Readonly<Record<string, CharSet>> = {
  alnum: ranges(DIGIT, UPPER, LOWER),
  alpha: ranges(UPPER, LOWER),
  ascii: ranges([0, 0x7f]),
  blank: ranges([0x09, 0x09], [0x20, 0x20]),
  cntrl: ranges([0, 0x1f], [0x7f, 0x7f]),
  digit: ranges(DIGIT),
  graph: ranges([0x21, 0x7e]),
  lower: ranges(LOWER),
  print: ranges([0x20, 0x7e]),
  punct: ranges([0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]),
  space: ranges([0x09, 0x0d], [0x20, 0x20]),
  upper: ranges(UPPER),
  word: ranges(DIGIT, UPPER, LOWER, [0x5f, 0x5f]),
  xdigit: ranges(DIGIT, [0x41, 0x46], [0x61, 0x66]),
};
export const ANY_BUT_NEWLINE: CharSet = (cp) => cp !== 0x0a;
export const isAlnum = (ch: string): boolean => /^[0-9A-Za-z]$/.test(ch);
export const isOctal = (ch: string | undefined): ch is string => ch !== undefined && ch >= '0' && ch <= '7';

/** A Unicode class `\pN`, `\p{Greek}`, `\P{Lu}`, `\p{^Han}` through JS property escapes. */
export function unicodeClass(name: string, negated: boolean): CharSet {
  let set: CharSet;
  if (name === 'Any') {
    set = () => true;
  } else {
    let re: RegExp;
    try {
      re = new RegExp(`^\\p{${name}}$`, 'u'); // general categories: L, Lu, Nd, ...
    } catch {
      try {
        re = new RegExp(`^\\p{Script=${name}}$`, 'u');
      } catch {
        throw new RegexSyntaxError(`invalid character class range: \\p{${name}}`);
      }
    }
    set = (cp) => re.test(String.fromCodePoint(cp));
  }
  return negated ? negate(set) : set;
}

