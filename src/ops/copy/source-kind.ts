import { isGitSource } from './git-ref.js';

/** What an ADD source names: a path (with wildcards) in the source root, an http(s) file, or a git repository. */
export type SourceKind = 'path' | 'url' | 'git';

/**
 * The Dockerfile frontend's split (see parseGitRef): `git@host:...`, `git://`, `ssh://` and http(s)
 * URLs whose path ends in `.git` (with an optional `#ref:dir` or query) are git repositories, other
 * `http://` and `https://` URLs are files to download, anything else is a path.
 */
export function classifySource(source: string): SourceKind {
  if (isGitSource(source)) return 'git';
  if (source.startsWith('http://') || source.startsWith('https://')) return 'url';
  return 'path';
}
