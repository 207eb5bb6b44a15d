import { cleanPath } from '../dockerfile/instructions/go-path.js';
/**
 * POSIX path arithmetic for paths inside an image (always `/`-separated, whatever the host), as Go's
 * `path` package and BuildKit's `system.NormalizePath` do it. Pure: no `node:path`.
 */

/** Go's `path.Clean` (one implementation, in the instructions layer). */
export { cleanPath };

/** Go's `path.Join`: joins the non-empty elements with `/` and cleans the result. */
export function joinPath(...parts: readonly string[]): string {
  const nonEmpty = parts.filter((p) => p !== '');
  return nonEmpty.length === 0 ? '' : cleanPath(nonEmpty.join('/'));
}

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/');
}

/**
 * BuildKit's `NormalizePath(parent, newPath, keepSlash)` for Linux: a relative `newPath` is joined
 * to `parent` (itself made absolute) and cleaned; an empty one means `parent`; an absolute one is
 * kept exactly as written (BuildKit does not clean it on Linux: `WORKDIR /app/` stays `/app/`).
 * With `keepSlash`, a trailing `/` (or `/.`) written on `newPath` is kept, since for COPY it says
 * "into this directory".
 */
export function normalizePath(parent: string, newPath: string, keepSlash: boolean): string {
  let base = parent === '' ? '/' : parent;
  if (!isAbsolutePath(base)) base = joinPath('/', base);
  let result = newPath === '' ? base : newPath;
  if (!isAbsolutePath(result)) result = joinPath(base, result);
  if (keepSlash) {
    if (newPath.endsWith('/') && !result.endsWith('/')) {
      result += '/';
    } else if (newPath.endsWith('/.')) {
      if (result !== '/') result += '/';
      result += '.';
    }
  }
  return result;
}

/** The new working directory after `WORKDIR wd` when the current one is `current`. */
export function normalizeWorkdir(current: string, wd: string): string {
  return normalizePath(current, wd, false);
}
