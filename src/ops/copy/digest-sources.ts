import { createHash } from 'node:crypto';
import type { Digest } from '../../oci/index.js';
import { toDigest } from '../../oci/index.js';
import { createLimiter } from '../../util/limiter.js';
import { hashFiles, sha256File } from './file-hash-pool.js';
import { entryHostPath } from './selection.js';
import type { SelectedSource, SourceEntry } from './selection.js';

/** The sha256 (hex) of a regular file's content. */
export interface FileHasher {
  (source: SelectedSource, entry: SourceEntry, options: { readonly signal?: AbortSignal }): Promise<string>;
  /** The digest when it is known without reading (a stat cache hit), else undefined. */
  readonly known?: (source: SelectedSource, entry: SourceEntry) => string | undefined;
}

export interface DigestCopySourcesOptions {
  /**
   * How file contents are hashed: the build context passes its stat-cached ContextDigester.
   * Without one every file is read, by this thread and, for a large selection, helper threads
   * (hashFiles).
   */
  readonly hashFile?: FileHasher;
  /** Files `hashFile` is given at once (default 8). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

const HASH_BATCH_CHARS = 1 << 16;

/** The default FileHasher: reads the file every time. */
export const readingFileHasher: FileHasher = (source, entry, options) =>
  sha256File(entryHostPath(source, entry), { size: entry.size, ...(options.signal !== undefined ? { signal: options.signal } : {}) });

/**
 * One digest over everything a COPY will read, for its cache key: per source its path and kind,
 * and per entry its relative path, type, permission bits, owner, symlink target, device number,
 * hardlink partner and content digest. Times are left out (as in BuildKit's content checksums),
 * so touching a file does not invalidate the step; a change to the content or the mode of a
 * selected file does, and a file outside the selection cannot.
 */
export async function digestCopySources(selection: readonly SelectedSource[], options: DigestCopySourcesOptions = {}): Promise<Digest> {
  const contents = options.hashFile !== undefined ? await hashWith(options.hashFile, selection, options) : await hashAll(selection, options.signal);
  // one line per entry, hashed in batches of lines (a hash update per entry costs more than the line)
  const hash = createHash('sha256');
  let batch = '';
  selection.forEach((source, s) => {
    batch += `source\0${source.path}\0${source.contents ? 'contents' : 'self'}\n`;
    const firstByInode = new Map<bigint, string>();
    const row = contents[s] ?? [];
    source.entries.forEach((entry, e) => {
      let link = '';
      if (entry.type === 'file' && entry.nlink > 1) {
        const first = firstByInode.get(entry.ino);
        if (first === undefined) firstByInode.set(entry.ino, entry.rel);
        else link = first;
      }
      const device = entry.type === 'char-device' || entry.type === 'block-device' ? String(entry.rdev) : '';
      batch += `${entry.rel}\0${entry.type}\0${entry.mode.toString(8)}\0${entry.uid}\0${entry.gid}\0${entry.linkTarget ?? ''}\0${device}\0${link}\0${row[e] ?? ''}\n`;
      if (batch.length >= HASH_BATCH_CHARS) {
        hash.update(batch);
        batch = '';
      }
    });
  });
  hash.update(batch);
  return toDigest('sha256:' + hash.digest('hex'));
}

/** File digests by source and entry, through `hashFile` (known digests taken directly; only the others cost a promise and a read). */
async function hashWith(hashFile: FileHasher, selection: readonly SelectedSource[], options: DigestCopySourcesOptions): Promise<string[][]> {
  const limit = createLimiter(options.concurrency ?? 8);
  const hashOptions = options.signal !== undefined ? { signal: options.signal } : {};
  const contents: string[][] = [];
  const reads: Promise<void>[] = [];
  selection.forEach((source, s) => {
    const row: string[] = new Array<string>(source.entries.length).fill('');
    contents[s] = row;
    source.entries.forEach((entry, e) => {
      if (entry.type !== 'file') return;
      const known = hashFile.known?.(source, entry);
      if (known !== undefined) row[e] = known;
      else reads.push(limit(() => hashFile(source, entry, hashOptions)).then((digest) => void (row[e] = digest)));
    });
  });
  await Promise.all(reads);
  return contents;
}

/** File digests by source and entry, every file read (a large job shared with helper threads: hashFiles). */
async function hashAll(selection: readonly SelectedSource[], signal: AbortSignal | undefined): Promise<string[][]> {
  const files: { path: string; size: number }[] = [];
  const places: [number, number][] = [];
  selection.forEach((source, s) => {
    source.entries.forEach((entry, e) => {
      if (entry.type !== 'file') return;
      files.push({ path: entryHostPath(source, entry), size: entry.size });
      places.push([s, e]);
    });
  });
  const digests = await hashFiles(files, signal !== undefined ? { signal } : {});
  const contents = selection.map((source) => new Array<string>(source.entries.length).fill(''));
  places.forEach(([s, e], k) => {
    const row = contents[s];
    if (row !== undefined) row[e] = digests[k] ?? '';
  });
  return contents;
}
