import { isGoSpace } from './go-text.js';

const enum Phase {
  Spaces,
  Word,
  Quote,
}

/**
 * Splits `text` into words on whitespace the way BuildKit's parseWords does for ENV, LABEL and
 * ARG: quotes group words and are kept, the escape character is kept together with the character
 * it escapes, and a trailing escape character is dropped. Nothing is expanded.
 */
export function parseWords(text: string, escape: string): string[] {
  const esc = escape.charCodeAt(0);
  const words: string[] = [];
  let phase: Phase = Phase.Spaces;
  let quote = 0;
  let blankOk = false;
  let word = '';
  const length = text.length;
  for (let pos = 0; pos <= length; pos++) {
    const ch = pos < length ? text.charCodeAt(pos) : -1;
    if (phase === Phase.Spaces) {
      if (pos === length) break;
      if (isGoSpace(ch)) continue;
      phase = Phase.Word;
    }
    if (pos === length) {
      if (blankOk || word.length > 0) words.push(word);
      break;
    }
    if (phase === Phase.Word) {
      if (isGoSpace(ch)) {
        phase = Phase.Spaces;
        if (blankOk || word.length > 0) words.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOk = true;
        phase = Phase.Quote;
      }
      if (ch === esc) {
        if (pos + 1 === length) continue;
        word += text.charAt(pos);
        pos++;
      }
      word += text.charAt(pos);
      continue;
    }
    // Phase.Quote
    if (ch === quote) phase = Phase.Word;
    if (ch === esc && quote !== 0x27) {
      if (pos + 1 === length) {
        phase = Phase.Word;
        continue;
      }
      word += text.charAt(pos);
      pos++;
    }
    word += text.charAt(pos);
  }
  return words;
}
