/** What an ADD source names: a path (with wildcards) in the source root, an http(s) file, or a git repository. */
export type SourceKind = 'path' | 'url' | 'git';

/**
 * The Dockerfile frontend's split: `git@host:...`, `git://`, `ssh://` and http(s) URLs ending in
 * `.git` (with an optional `#ref:dir`) are git repositories, other http(s) URLs are files to
 * download, anything else is a path.
 */
export function classifySource(source: string): SourceKind {
  if (/^git@[^:]+:/.test(source) || source.startsWith('git://') || source.startsWith('ssh://')) return 'git';
  if (/^https?:\/\//.test(source)) return /^https?:\/\/.+\.git(#.*)?$/.test(source) ? 'git' : 'url';
  return 'path';
}
