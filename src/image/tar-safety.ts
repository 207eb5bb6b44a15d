import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import type { Header } from 'tar-stream';
import { BuildError, isBuildError } from '../errors/index.js';

export interface TarSafetyOptions {
  /** Names the tar in errors: `image.tar: layer sha256:...`. */
  readonly source: string;
  /** Entries larger than this are refused as absurd (default 1 TiB). */
  readonly maxEntrySize?: number;
  readonly signal?: AbortSignal;
}

export interface TarSummary {
  readonly entries: number;
  /** Bytes of file content (not counting headers and padding). */
  readonly contentBytes: number;
}

const DEFAULT_MAX_ENTRY_SIZE = 2 ** 40;

function unsafe(source: string, entry: string, problem: string): BuildError<'INVALID_ARCHIVE'> {
  return new BuildError('INVALID_ARCHIVE', `${source}: entry ${JSON.stringify(entry)} ${problem}`, {
    hint: 'the archive may be malicious or damaged; nothing from it was stored',
    details: { source, entry, problem },
  });
}

/** Whether a normalised relative path climbs out of the root. */
function escapes(path: string): boolean {
  return path === '..' || path.startsWith('../');
}

/**
 * An entry's path relative to the root: `./a/b/` and `a//b` become `a/b`. Absolute paths and paths
 * that climb out of the root are refused.
 */
export function safeEntryPath(name: string, source: string): string {
  if (name === '' || name.includes('\0')) throw unsafe(source, name, 'has an empty or invalid name');
  if (name.startsWith('/')) throw unsafe(source, name, 'has an absolute path');
  const normal = posix.normalize(name).replace(/\/+$/, '');
  if (escapes(normal)) throw unsafe(source, name, 'escapes the root with ".."');
  return normal === '.' ? '' : normal.replace(/^\.\//, '');
}

/**
 * Reads a layer tar (uncompressed) to its end and refuses what would let it reach outside its
 * root when unpacked: absolute or `..` paths, a symlink whose relative target climbs out, a
 * hard link to outside, an entry written through a symlink the same tar created, absurd sizes. A
 * truncated or corrupt tar is INVALID_ARCHIVE naming the last entry read. Streams: flat memory.
 */
export async function checkTarEntries(stream: Readable, options: TarSafetyOptions): Promise<TarSummary> {
  const { source } = options;
  const maxSize = options.maxEntrySize ?? DEFAULT_MAX_ENTRY_SIZE;
  const symlinks = new Set<string>();
  let entries = 0;
  let contentBytes = 0;
  let last = '(start of archive)';
  const check = (header: Header): void => {
    const path = safeEntryPath(header.name, source);
    const size = header.size;
    if (!Number.isSafeInteger(size) || size < 0 || size > maxSize) throw unsafe(source, header.name, `declares an absurd size (${size} bytes)`);
    for (let dir = posix.dirname(path); dir !== '.' && dir !== ''; dir = posix.dirname(dir)) {
      if (symlinks.has(dir)) throw unsafe(source, header.name, `is written through the symlink ${JSON.stringify(dir)}`);
    }
    const link = header.linkname;
    if (header.type === 'symlink') {
      if (link === '') throw unsafe(source, header.name, 'is a symlink without a target');
      // An absolute target resolves inside the container's root; a relative one must stay inside it.
      if (!link.startsWith('/') && escapes(posix.normalize(posix.join(posix.dirname(path), link)))) {
        throw unsafe(source, header.name, `is a symlink pointing outside the root (${JSON.stringify(link)})`);
      }
      symlinks.add(path);
    } else {
      symlinks.delete(path);
    }
    if (header.type === 'link') {
      if (link === '' || link.startsWith('/') || escapes(posix.normalize(link))) {
        throw unsafe(source, header.name, `is a hard link to a path outside the root (${JSON.stringify(link)})`);
      }
      const target = safeEntryPath(link, source);
      for (let dir = posix.dirname(target); dir !== '.' && dir !== ''; dir = posix.dirname(dir)) {
        if (symlinks.has(dir)) throw unsafe(source, header.name, `is a hard link through the symlink ${JSON.stringify(dir)}`);
      }
    }
  };
  // Old (v7) tars have no ustar magic; their header checksums are still verified.
  const extractOptions: Parameters<typeof extract>[0] & { allowUnknownFormat: boolean } = { allowUnknownFormat: true };
  const extractor = extract(extractOptions);
  const consume = async (): Promise<void> => {
    for await (const entry of extractor) {
      last = entry.header.name;
      check(entry.header);
      entries++;
      for await (const chunk of entry) contentBytes += (chunk as Uint8Array).byteLength;
    }
  };
  try {
    await Promise.all([pipeline(stream, extractor, options.signal ? { signal: options.signal } : {}), consume()]);
  } catch (err) {
    stream.destroy();
    extractor.destroy();
    if (isBuildError(err)) throw err;
    if ((err as Error).name === 'AbortError') throw err;
    throw new BuildError('INVALID_ARCHIVE', `${source}: truncated or corrupt tar after entry ${JSON.stringify(last)} (${(err as Error).message})`, {
      details: { source, entry: last },
      cause: err,
    });
  }
  return { entries, contentBytes };
}
