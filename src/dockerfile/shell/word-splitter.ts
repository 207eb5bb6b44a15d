// Unicode White_Space: the same set as Go's unicode.IsSpace (which BuildKit splits on).
const SPACE = /^\p{White_Space}$/u;

export function isShellSpace(ch: string): boolean {
  return SPACE.test(ch);
}

/**
 * Collects the words of an expansion. Expanded variable values split on white space; literal
 * characters, escaped characters and quoted text never do. A word that only ever received
 * empty text (`""`) is dropped, as BuildKit drops it.
 */
export class WordSplitter {
  private current = '';
  private inWord = false;
  private readonly done: string[] = [];

  /** A character that splits when it is white space. */
  addChar(ch: string): void {
    if (!isShellSpace(ch)) {
      this.addRaw(ch);
      return;
    }
    if (this.inWord && this.current !== '') {
      this.done.push(this.current);
      this.current = '';
      this.inWord = false;
    }
  }

  /** Text that splits on its white space (an expanded variable). */
  addText(text: string): void {
    for (const ch of text) this.addChar(ch);
  }

  /** Text that stays within the current word (quoted or escaped). */
  addRaw(text: string): void {
    this.current += text;
    this.inWord = true;
  }

  finish(): string[] {
    if (this.current !== '') {
      this.done.push(this.current);
      this.current = '';
      this.inWord = false;
    }
    return this.done;
  }
}
