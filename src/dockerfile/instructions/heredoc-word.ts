/** A heredoc marker word (`<<EOF`, `<<-"EOF"`, `3<<EOF`) read as BuildKit's ParseHeredoc reads it. */
export interface HeredocWord {
  readonly name: string;
  readonly chomp: boolean;
  /** False when any part of the delimiter was quoted. */
  readonly expand: boolean;
  readonly fileDescriptor: number;
}

const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/;

/**
 * The heredoc a word opens, or undefined when the word is not a heredoc marker. The delimiter
 * may be quoted (`<<'EOF'`, `<<"EOF"`, `<<E"O"F`), which turns off expansion of the body; it must
 * be a single shell word.
 */
export function parseHeredocWord(word: string): HeredocWord | undefined {
  const match = HEREDOC_WORD.exec(word);
  if (match === null) return undefined;
  const rest = match[3] ?? '';
  if (rest === '') return undefined;
  const lexed = lexDelimiter(rest);
  if (lexed === undefined) return undefined;
  return {
    name: lexed.word,
    chomp: match[2] === '-',
    expand: !lexed.quoted,
    fileDescriptor: Number.parseInt(match[1] === '' ? '0' : (match[1] ?? '0'), 10),
  };
}

/** Removes shell quoting from `text`; undefined unless it is exactly one word. */
function lexDelimiter(text: string): { word: string; quoted: boolean } | undefined {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) return undefined;
      current += text.slice(i + 1, end);
      quoted = true;
      i = end;
    } else if (ch === '"') {
      quoted = true;
      let j = i + 1;
      for (; j < text.length && text.charAt(j) !== '"'; j++) {
        const c = text.charAt(j);
        if (c === '\\' && j + 1 < text.length && '"\\$`'.includes(text.charAt(j + 1))) {
          j++;
          current += text.charAt(j);
        } else {
          current += c;
        }
      }
      if (j >= text.length) return undefined;
      i = j;
    } else if (ch === '\\') {
      if (i + 1 < text.length) {
        i++;
        current += text.charAt(i);
      }
    } else {
      current += ch;
    }
  }
  if (inWord) words.push(current);
  if (words.length !== 1) return undefined;
  const word = words[0];
  return word === undefined ? undefined : { word, quoted };
}
