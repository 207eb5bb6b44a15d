import { open } from 'node:fs/promises';
import type { ArchiveCompression } from './decompress.js';
import { openDecompressed, sniffCompression } from './decompress.js';
import { isTarHeader } from './detect-archive.js';
import { extractArchive } from './extract-archive.js';
import type { ExtractCounts } from './extract-archive.js';

/**
 * What a build context sent as one file (`docker build - < input`) is, as docker's CLI tells it:
 * an archive when its first bytes are a compression's magic (gzip, bzip2, xz, zstd) or a valid tar
 * header; otherwise the text of a Dockerfile. Returns the archive's compression, or undefined for
 * a Dockerfile (an empty input is an empty Dockerfile).
 */
export async function sniffContextArchive(path: string): Promise<ArchiveCompression | undefined> {
  const compression = await sniffCompression(path);
  if (compression !== 'none') return compression;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    return bytesRead === 512 && isTarHeader(head) ? 'none' : undefined;
  } finally {
    await handle.close();
  }
}

/**
 * Unpacks a context archive into the empty directory `dest` as BuildKit unpacks one (moby's
 * chrootarchive rules, see extractArchive): nothing is written outside `dest`, whatever names or
 * symlinks the archive holds. Owners are not applied (the context's files are root's in COPY).
 */
export function unpackContextArchive(path: string, compression: ArchiveCompression, dest: string, options: { readonly signal?: AbortSignal } = {}): Promise<ExtractCounts> {
  return extractArchive(openDecompressed(path, compression), dest, {
    root: dest,
    source: 'the context archive',
    owner: undefined,
    applyOwners: false,
    signal: options.signal,
  });
}
