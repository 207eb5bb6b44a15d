import { goQuote } from './go-quote.js';
import { isRegexpSpace } from './go-text.js';
import { HeredocLexError, lexShellWords } from './heredoc-lexer.js';
import type { LexedWord } from './heredoc-lexer.js';

/** A heredoc marker found on an instruction line, before its body is read. */
export interface HeredocMarker {
  readonly name: string;
  readonly expand: boolean;
  readonly chomp: boolean;
  readonly fileDescriptor: number;
  /** Offsets of the marker word in the line. */
  readonly start: number;
  readonly end: number;
}

/** The instructions whose lines may carry heredocs (also when nested in ONBUILD). */
export const HEREDOC_KEYWORDS: readonly string[] = ['add', 'copy', 'run'];

const MAX_UINT64 = 2 ** 64 - 1;

/**
 * Reads one shell word as a heredoc marker, BuildKit's ParseHeredoc: `[fd]<<[-][spaces]word`
 * where the rest holds no `<` and lexes to exactly one word. The delimiter is quoted (body not
 * expanded) when lexing with and without quotes kept gives different quote counts.
 * Returns undefined for words that are not markers; throws HeredocLexError for broken quoting.
 */
export function parseHeredocMarker(
  word: string,
): Omit<HeredocMarker, 'start' | 'end'> | undefined {
  let i = 0;
  while (i < word.length && word.charCodeAt(i) >= 0x30 && word.charCodeAt(i) <= 0x39) i++;
  const digits = word.slice(0, i);
  if (!word.startsWith('<<', i)) return undefined;
  i += 2;
  const chomp = word[i] === '-';
  if (chomp) i++;
  while (i < word.length && isRegexpSpace(word.charCodeAt(i))) i++;
  const rest = word.slice(i);
  if (rest.includes('<') || rest === '') return undefined;

  const words = lexShellWords(rest, { rawQuotes: false, rawEscapes: false });
  const [name] = words;
  if (name === undefined || words.length !== 1) return undefined;
  const rawWords = lexShellWords(rest, { rawQuotes: true, rawEscapes: false });
  const [raw] = rawWords;
  if (raw === undefined || rawWords.length !== 1) {
    throw new HeredocLexError(
      `internal lexing of heredoc produced inconsistent results: ${rest}`,
    );
  }
  const expand = countQuotes(name.text) === countQuotes(raw.text);
  // Go's strconv.ParseUint: no digits gives 0, too many saturates at the largest uint64.
  const fileDescriptor = digits === '' ? 0 : Math.min(Number(digits), MAX_UINT64);
  return { name: name.text, expand, chomp, fileDescriptor };
}

function countQuotes(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x27) count++;
  }
  return count;
}

/**
 * The heredoc markers of an instruction line in order (BuildKit's heredocsFromLine): the line is
 * split into shell words keeping quotes and escapes, and a line that does not lex has none.
 */
export function findHeredocMarkers(line: string): HeredocMarker[] {
  let words: LexedWord[];
  try {
    words = lexShellWords(line, { rawQuotes: true, rawEscapes: true });
  } catch (error) {
    if (error instanceof HeredocLexError) return [];
    throw error;
  }
  const markers: HeredocMarker[] = [];
  for (const word of words) {
    const marker = markerOf(word);
    if (marker !== undefined) markers.push(marker);
  }
  return markers;
}

function markerOf(word: LexedWord): HeredocMarker | undefined {
  try {
    const marker = parseHeredocMarker(word.text);
    if (marker === undefined) return undefined;
    return {
      name: marker.name,
      expand: marker.expand,
      chomp: marker.chomp,
      fileDescriptor: marker.fileDescriptor,
      start: word.start,
      end: word.end,
    };
  } catch (error) {
    if (error instanceof HeredocLexError) throw new HeredocMarkerError(error.message, word);
    throw error;
  }
}

/** A heredoc marker whose delimiter does not lex; carries the word's offsets for the error. */
export class HeredocMarkerError extends Error {
  override readonly name = 'HeredocMarkerError';
  constructor(
    message: string,
    readonly word: LexedWord,
  ) {
    super(`failed to process ${goQuote(word.text)}: ${message}`);
  }
}

/** Removes the leading tabs of every line, for `<<-` bodies (BuildKit's ChompHeredocContent). */
export function chompHeredocContent(content: string): string {
  if (!content.includes('\t')) return content;
  return content
    .split('\n')
    .map((line) => line.replace(/^\t+/, ''))
    .join('\n');
}
