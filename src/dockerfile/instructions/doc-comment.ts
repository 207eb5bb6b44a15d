/** The text after `<name> ` in the first comment line above an instruction that starts so. */
export function docCommentFor(comments: readonly string[], name: string | undefined): string | undefined {
  if (name === undefined || name === '') return undefined;
  for (const line of comments) {
    if (line.startsWith(`${name} `)) return line.slice(name.length + 1);
  }
  return undefined;
}
