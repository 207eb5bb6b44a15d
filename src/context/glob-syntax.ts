/**
 * Whether `pattern` is well-formed for Go's `filepath.Match` (Unix rules), the syntax check
 * Docker applies to each .dockerignore pattern: every `\` must escape a character, and every
 * `[` must open a class `[^? item+ ]` where an item is a character or a range `lo-hi`, and a
 * character is anything but `-` and `]` unless escaped. Returns a reason when it is not.
 */
export function globSyntaxProblem(pattern: string): string | undefined {
  const chars = Array.from(pattern);
  let i = 0;
  const classChar = (): boolean => {
    const ch = chars[i];
    if (ch === undefined || ch === '-' || ch === ']') return false;
    if (ch === '\\') {
      i++;
      if (chars[i] === undefined) return false;
    }
    i++;
    return i < chars.length; // a class cut off at the end is malformed
  };
  while (i < chars.length) {
    const ch = chars[i];
    if (ch === '\\') {
      if (i + 1 >= chars.length) return 'trailing backslash';
      i += 2;
      continue;
    }
    if (ch !== '[') {
      i++;
      continue;
    }
    i++;
    if (chars[i] === '^') i++;
    let ranges = 0;
    for (;;) {
      if (chars[i] === ']' && ranges > 0) {
        i++;
        break;
      }
      if (!classChar()) return 'malformed character class';
      if (chars[i] === '-') {
        i++;
        if (!classChar()) return 'malformed character range';
      }
      ranges++;
    }
  }
  return undefined;
}
