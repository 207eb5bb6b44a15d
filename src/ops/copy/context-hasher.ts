import type { ContextDigester } from '../../context/digest-index.js';
import type { FileHasher } from './digest-sources.js';
import { readingFileHasher } from './digest-sources.js';
import type { SelectedSource, SourceEntry } from './selection.js';

/**
 * A FileHasher for sources read from the build context: files are hashed through the context's
 * stat-cached digester (paths relative to the context root), so a rebuild reads only files that
 * changed. Sources from elsewhere (staged files) are read directly.
 */
export function contextFileHasher(digester: ContextDigester): FileHasher {
  const relOf = (source: SelectedSource, entry: SourceEntry): string =>
    source.resolved === '' ? entry.rel : entry.rel === '' ? source.resolved : `${source.resolved}/${entry.rel}`;
  const hasher = (source: SelectedSource, entry: SourceEntry, options: { readonly signal?: AbortSignal }): Promise<string> =>
    source.root !== digester.root ? readingFileHasher(source, entry, options) : digester.hashFile(relOf(source, entry), entry, options);
  const known = (source: SelectedSource, entry: SourceEntry): string | undefined =>
    source.root !== digester.root ? undefined : digester.cachedHash(relOf(source, entry), entry);
  return Object.assign(hasher, { known });
}
