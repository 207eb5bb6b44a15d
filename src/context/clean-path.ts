/**
 * Lexical path cleaning with Go's `path.Clean` rules (what Docker applies to .dockerignore
 * patterns): repeated slashes collapse, `.` elements go, `x/..` pairs cancel, `..` at the root
 * of an absolute path goes, a trailing slash goes, and an empty result is `.`.
 */
export function cleanPath(path: string): string {
  const rooted = path.startsWith('/');
  const kept: string[] = [];
  for (const element of path.split('/')) {
    if (element === '' || element === '.') continue;
    if (element === '..') {
      const last = kept[kept.length - 1];
      if (last !== undefined && last !== '..') kept.pop();
      else if (!rooted) kept.push('..');
      continue;
    }
    kept.push(element);
  }
  const cleaned = (rooted ? '/' : '') + kept.join('/');
  return cleaned === '' ? '.' : cleaned;
}
