import { constants } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, open, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import type { Header } from 'tar-stream';
import { BuildError } from '../../errors/index.js';
import { cleanPath } from '../../context/index.js';
import { resolveInRoot } from '../../runtime/index.js';
import type { Owner } from './chown.js';
import { copyFailed, errnoCode, insideRoot } from './copy-errors.js';
import { makeDirs } from './make-dirs.js';
import { makeSpecialNode } from './special-node.js';

export interface ExtractArchiveOptions {
  /** The rootfs the destination lies in (for messages). */
  readonly root: string;
  /** The archive, for messages (`/app.tar.gz`). */
  readonly source: string;
  /** `--chown`: every entry gets this owner; otherwise the archive's own uid/gid are kept. */
  readonly owner: Owner | undefined;
  readonly applyOwners: boolean;
  readonly signal: AbortSignal | undefined;
}

export interface ExtractCounts {
  files: number;
  bytes: number;
}

/** A header as tar-stream produces it at run time: an unknown type flag is `null`. */
type EntryHeaders = Omit<Header, 'type' | 'pax'> & { type: Header['type'] | null; pax?: Record<string, string> | null };

function paxTime(pax: Record<string, string> | null | undefined, key: string): number | undefined {
  const value = pax?.[key];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

const DEVICE_TYPES = { 'character-device': 'char-device', 'block-device': 'block-device', fifo: 'fifo' } as const;

async function existing(path: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Unpacks a (decompressed) tar stream into the directory `destHost` the way BuildKit's ADD does
 * it (moby's chrootarchive.Untar): as if `destHost` were the root, so `..`, absolute names and
 * symlinks in the archive or already on disk resolve inside it and nothing is written outside;
 * missing parents are made 0755; whatever is in the way is replaced, except that a directory
 * entry merges into an existing directory; the archive's root entry does not change `destHost`;
 * modes, owners (or the --chown owner) and times are applied, directory times last.
 */
export async function extractArchive(stream: Readable, destHost: string, options: ExtractArchiveOptions): Promise<ExtractCounts> {
  const counts: ExtractCounts = { files: 0, bytes: 0 };
  const dirs: { path: string; atime: number; mtime: number }[] = [];
  const shown = (host: string): string => insideRoot(options.root, host);
  // old (v7) tars have no ustar magic; their header checksums are still verified
  const extractOptions: Parameters<typeof extract>[0] & { allowUnknownFormat: boolean } = { allowUnknownFormat: true };
  const extractor = extract(extractOptions);
  let last = '(start of archive)';

  const place = async (headers: EntryHeaders, body: AsyncIterable<Uint8Array>): Promise<void> => {
    const type = headers.type;
    if (type === null) return; // a kind of entry tar-stream does not know (sparse files, ...)
    const rel = cleanPath('/' + headers.name).slice(1);
    if (rel === '') return; // the archive's root: the destination stays as it is
    const parentHost = await resolveInRoot(destHost, dirname(rel));
    await makeDirs(parentHost, { root: options.root, mode: 0o755, owner: undefined, applyOwners: false, timestamp: undefined });
    const target = join(parentHost, rel.slice(rel.lastIndexOf('/') + 1));
    const found = await existing(target);
    const isDir = type === 'directory';
    if (found !== undefined && !(found.isDirectory() && isDir)) await rm(target, { recursive: true, force: true });
    const mode = headers.mode & 0o7777;
    switch (type) {
      case 'directory':
        if (found === undefined) await mkdir(target, 0o700);
        break;
      case 'file':
      case 'contiguous-file': {
        const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
        try {
          // tar-stream's entries are streamx streams: read them as async iterables
          for await (const chunk of body) {
            for (let done = 0; done < chunk.length; ) done += (await handle.write(chunk, done)).bytesWritten;
          }
        } finally {
          await handle.close();
        }
        counts.bytes += headers.size;
        break;
      }
      case 'link': {
        const linkRel = cleanPath('/' + headers.linkname).slice(1);
        const linkParent = await resolveInRoot(destHost, dirname(linkRel));
        await link(join(linkParent, linkRel.slice(linkRel.lastIndexOf('/') + 1)), target);
        break;
      }
      case 'symlink':
        await symlink(headers.linkname, target);
        break;
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        const major = BigInt(headers.devmajor);
        const minor = BigInt(headers.devminor);
        const rdev = Number(((major & 0xfffn) << 8n) | (minor & 0xffn) | ((minor & ~0xffn) << 12n) | ((major & ~0xfffn) << 32n));
        await makeSpecialNode(target, DEVICE_TYPES[type], rdev);
        break;
      }
    }
    if (!isDir) counts.files++;
    if (options.applyOwners) {
      const owner = options.owner ?? { uid: headers.uid, gid: headers.gid };
      await lchown(target, owner.uid, owner.gid);
    }
    // no chmod through a symlink (a hardlink to one included): it would follow it
    if (type !== 'symlink' && !(await lstat(target)).isSymbolicLink()) await chmod(target, mode);
    const mtime = paxTime(headers.pax, 'mtime') ?? headers.mtime.getTime() / 1000;
    const atime = Math.max(paxTime(headers.pax, 'atime') ?? mtime, mtime);
    if (isDir) dirs.push({ path: target, atime, mtime });
    else if (type !== 'link') await lutimes(target, atime, mtime);
  };

  const consume = async (): Promise<void> => {
    for await (const entry of extractor) {
      options.signal?.throwIfAborted();
      const headers = entry.header as unknown as EntryHeaders;
      last = headers.name;
      await place(headers, entry as AsyncIterable<Uint8Array>);
      entry.resume();
    }
  };
  try {
    await Promise.all([pipeline(stream, extractor, options.signal !== undefined ? { signal: options.signal } : {}), consume()]);
  } catch (error) {
    stream.destroy();
    extractor.destroy();
    if (error instanceof BuildError || (error as Error).name === 'AbortError') throw error;
    if (errnoCode(error) !== undefined) {
      throw copyFailed(`failed to unpack ${options.source} at ${JSON.stringify(last)} into ${shown(destHost)}: ${(error as Error).message}`, error, { source: options.source });
    }
    throw new BuildError('INVALID_ARCHIVE', `${options.source}: truncated or corrupt tar after entry ${JSON.stringify(last)} (${(error as Error).message})`, {
      details: { source: options.source, entry: last },
      cause: error,
    });
  }
  for (const dir of dirs) await lutimes(dir.path, dir.atime, dir.mtime);
  return counts;
}
