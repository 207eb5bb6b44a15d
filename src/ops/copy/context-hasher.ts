import type { ContextDigester } from '../../context/digest-index.js';
import type { FileHasher } from './digest-sources.js';
import { readingFileHasher } from './digest-sources.js';

/**
 * A FileHasher for sources read from the build context: files are hashed through the context's
 * stat-cached digester (paths relative to the context root), so a rebuild reads only files that
 * changed. Sources from elsewhere (staged files) are read directly.
 */
export function contextFileHasher(digester: ContextDigester): FileHasher {
  return (source, entry, options) => {
    if (source.root !== digester.root) return readingFileHasher(source, entry, options);
    const rel = [source.resolved, entry.rel].filter((part) => part !== '').join('/');
    return digester.hashFile(rel, entry, options);
  };
}
