export { expandWord, expandWords } from './expand.js';
export { isShellSpace } from './word-splitter.js';
export type {
  EscapeChar,
  ExpandOptions,
  ExpandedWord,
  ExpandedWords,
  ShellEnv,
} from './types.js';
