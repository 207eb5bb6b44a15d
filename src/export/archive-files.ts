import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { BuildError } from '../errors/index.js';
import { readAll, safeEntryPath } from '../image/index.js';
import { resolveTarEntry } from './tar-index.js';
import type { TarIndex } from './tar-index.js';

/**
 * The files of an archive, whether a tar (read in place by offset) or a directory: what the
 * OCI-layout and docker-archive readers need, and nothing else.
 */
export interface ArchiveFiles {
  /** The archive's path, for messages. */
  readonly label: string;
  /** The size of a regular file, or undefined when there is none by that name. */
  size(name: string): Promise<number | undefined>;
  /** Opens a regular file; each call gives a fresh stream. Missing files are INVALID_ARCHIVE. */
  open(name: string): Promise<Readable>;
}

export function missingFile(label: string, name: string, why: string): BuildError<'INVALID_ARCHIVE'> {
  return new BuildError('INVALID_ARCHIVE', `${label}: ${why} ${JSON.stringify(name)}, which the archive does not contain`, {
    details: { source: label, entry: name },
  });
}

/** Reads a small file whole (a manifest, index, config), refusing one over `limit` bytes. */
export async function readArchiveFile(files: ArchiveFiles, name: string, limit: number, why: string): Promise<Buffer> {
  const size = await files.size(name);
  if (size === undefined) throw missingFile(files.label, name, why);
  if (size > limit) {
    throw new BuildError('INVALID_ARCHIVE', `${files.label}: ${JSON.stringify(name)} is ${size} bytes, more than the ${limit} allowed`, {
      details: { source: files.label, entry: name },
    });
  }
  return readAll(await files.open(name), limit);
}

/** The files of an indexed tar: each open() reads the entry's byte range of the tar file. */
export function tarArchiveFiles(index: TarIndex, label: string): ArchiveFiles {
  return {
    label,
    size: (name) => Promise.resolve(resolveTarEntry(index, name, label)?.size),
    open(name) {
      const entry = resolveTarEntry(index, name, label);
      if (entry === undefined) return Promise.reject(missingFile(label, name, 'the archive names'));
      if (entry.size === 0) return Promise.resolve(Readable.from([]));
      return Promise.resolve(createReadStream(index.path, { start: entry.offset, end: entry.offset + entry.size - 1 }));
    },
  };
}

/**
 * The files of a directory; a name (or a symlink in it) may not lead outside the directory, so a
 * layout cannot make us read /etc/shadow as a blob.
 */
export function directoryArchiveFiles(root: string, label: string = root): ArchiveFiles {
  const locate = async (name: string): Promise<{ path: string; size: number } | undefined> => {
    const relativeName = safeEntryPath(name, label);
    const base = await realpath(root);
    let real: string;
    try {
      real = await realpath(join(base, relativeName));
    } catch {
      return undefined;
    }
    const inside = relative(base, real);
    if (inside.startsWith('..' + sep) || inside === '..') {
      throw new BuildError('INVALID_ARCHIVE', `${label}: ${JSON.stringify(name)} leads outside the directory`, { details: { source: label, entry: name } });
    }
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size } : undefined;
  };
  return {
    label,
    size: async (name) => (await locate(name))?.size,
    async open(name) {
      const found = await locate(name);
      if (found === undefined) throw missingFile(label, name, 'the layout names');
      return createReadStream(found.path);
    },
  };
}
