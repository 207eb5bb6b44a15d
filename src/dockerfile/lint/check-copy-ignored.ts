import { cleanPath } from '../instructions/go-path.js';
import type { IgnoreMatcher } from './context-info.js';

/** Go's path.Clean, shared with the instructions layer. */
export { cleanPath };

/** Patterns that exclude every entry of the context root. */
const WHOLE_ROOT_PATTERNS: ReadonlySet<string> = new Set(['*', '**', '**/*']);

/** A COPY/ADD source that names a remote resource rather than a context path. */
export function isRemoteSource(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || source.startsWith('git@');
}

/**
 * The context path a COPY/ADD source refers to, cleaned, when the .dockerignore excludes it (so
 * the copy would fail or copy nothing); undefined otherwise. As BuildKit: no verdict when the
 * ignore file has `!` exclusions (a file under an ignored directory may be re-included), and the
 * context root itself counts as ignored only under a catch-all pattern (`*`, `**`, `**\/*`).
 */
export function ignoredCopySource(source: string, matcher: IgnoreMatcher): string | undefined {
  if (matcher.hasExclusions) return undefined;
  const path = cleanPath(source);
  if (path === '.' || path === '/') {
    return matcher.patterns.some((pattern) => WHOLE_ROOT_PATTERNS.has(pattern)) ? path : undefined;
  }
  return matcher.matchesOrParentMatches(path) ? path : undefined;
}
