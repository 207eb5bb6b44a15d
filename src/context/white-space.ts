// Unicode White_Space, the set Go's strings.TrimSpace removes.
const EDGES = /^\p{White_Space}+|\p{White_Space}+$/gu;

export function trimSpace(text: string): string {
  return text.replace(EDGES, '');
}
