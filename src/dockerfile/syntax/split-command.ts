import {
  isAsciiSpace,
  isGoSpace,
  isSplitSpace,
  leadingSpaceLength,
  trailingSpaceLength,
} from './go-text.js';

/** A word with its offsets (start inclusive, end exclusive) in the text it came from. */
export interface LocatedText {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export interface SplitCommand {
  /** The instruction name as written (empty for a line of only spaces). */
  readonly command: LocatedText;
  /** The `--flags` before the arguments, quotes and escapes processed (BuildKit's Flags). */
  readonly flags: readonly LocatedText[];
  /** The rest of the line after the flags, trimmed of spaces. */
  readonly rest: LocatedText;
}

/**
 * Splits one logical line into instruction name, builder flags and the rest, as BuildKit's
 * splitCommand: the name ends at the first run of `[\t\v\f\r ]`, flags are leading words that
 * start with `--`, and a bare `--` ends them.
 */
export function splitCommand(line: string, escape: string): SplitCommand {
  const start = leadingSpaceLength(line);
  const end = line.length - trailingSpaceLength(line);
  let nameEnd = start;
  while (nameEnd < end && !isSplitSpace(line.charCodeAt(nameEnd))) nameEnd++;
  const command = { text: line.slice(start, nameEnd), start, end: nameEnd };
  if (nameEnd >= end) {
    return { command, flags: [], rest: { text: '', start: end, end } };
  }
  let argsStart = nameEnd;
  while (argsStart < end && isSplitSpace(line.charCodeAt(argsStart))) argsStart++;
  const { flags, restStart } = extractBuilderFlags(line, argsStart, end, escape);
  let restBegin = restStart;
  while (restBegin < end && isGoSpace(line.charCodeAt(restBegin))) restBegin++;
  return { command, flags, rest: { text: line.slice(restBegin, end), start: restBegin, end } };
}

const enum Phase {
  Spaces,
  Word,
  Quote,
}

/**
 * BuildKit's extractBuilderFlags over `line[from, to)`: reads `--name[=value]` words (quotes
 * removed, the escape character escaping the next character) until a word that does not start
 * with `--`. Returns the flags and where the remaining text starts.
 */
function extractBuilderFlags(
  line: string,
  from: number,
  to: number,
  escape: string,
): { flags: LocatedText[]; restStart: number } {
  const flags: LocatedText[] = [];
  const esc = escape.charCodeAt(0);
  let phase: Phase = Phase.Spaces;
  let word = '';
  let wordStart = from;
  let quote = 0;
  let blankOk = false;
  for (let pos = from; pos <= to; pos++) {
    const ch = pos < to ? line.charCodeAt(pos) : -1;
    if (phase === Phase.Spaces) {
      if (pos === to) break;
      if (isAsciiSpace(ch)) continue;
      if (ch !== 0x2d || pos + 1 === to || line.charCodeAt(pos + 1) !== 0x2d) {
        return { flags, restStart: pos };
      }
      phase = Phase.Word;
      wordStart = pos;
    }
    if (pos === to) {
      if (word !== '--' && (blankOk || word.length > 0)) {
        flags.push({ text: word, start: wordStart, end: pos });
      }
      break;
    }
    if (phase === Phase.Word) {
      if (isAsciiSpace(ch)) {
        phase = Phase.Spaces;
        if (word === '--') return { flags, restStart: pos };
        if (blankOk || word.length > 0) flags.push({ text: word, start: wordStart, end: pos });
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOk = true;
        phase = Phase.Quote;
        continue;
      }
      if (ch === esc) {
        if (pos + 1 === to) continue;
        pos++;
      }
      word += line.charAt(pos);
      continue;
    }
    // Phase.Quote
    if (ch === quote) {
      phase = Phase.Word;
      continue;
    }
    if (ch === esc) {
      if (pos + 1 === to) {
        phase = Phase.Word;
        continue;
      }
      pos++;
    }
    word += line.charAt(pos);
  }
  return { flags, restStart: to };
}
