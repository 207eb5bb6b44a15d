// Helpers for the snapshot tests: layer tars from short specs, and trees described as text lines.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { layerFromTarFile } from '../../image/index.js';
import type { Layer } from '../../image/index.js';
import { writeTar } from '../../tar/index.js';
import type { TarEntry, TarEntryType } from '../../tar/index.js';
import { readXattrs } from '../xattrs.js';

export interface EntrySpec {
  readonly path: string;
  readonly type?: TarEntryType;
  readonly content?: string;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly mtime?: number;
  /** symlink target or hard link target */
  readonly target?: string;
  readonly major?: number;
  readonly minor?: number;
  readonly xattrs?: Readonly<Record<string, Uint8Array>>;
}

export const FIXED_MTIME = 1_600_000_000;

export function toTarEntry(spec: EntrySpec): TarEntry {
  const type = spec.type ?? 'file';
  const body = Buffer.from(spec.content ?? '');
  const name = type === 'directory' && !spec.path.endsWith('/') ? `${spec.path}/` : spec.path;
  return {
    header: {
      name,
      type,
      mode: spec.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: spec.uid ?? 0,
      gid: spec.gid ?? 0,
      size: type === 'file' ? body.length : 0,
      mtime: spec.mtime ?? FIXED_MTIME,
      ...(spec.target !== undefined ? { linkname: spec.target } : {}),
      ...(spec.major !== undefined ? { devmajor: spec.major, devminor: spec.minor ?? 0 } : {}),
      ...(spec.xattrs !== undefined ? { xattrs: new Map(Object.entries(spec.xattrs)) } : {}),
    },
    open: () => Readable.from([body]),
  };
}

/** Writes the specs as a tar file and gives a Layer over it (uncompressed, DiffID measured). */
export async function layerFromSpecs(path: string, specs: readonly EntrySpec[]): Promise<Layer> {
  await pipeline(Readable.from(writeTar(specs.map(toTarEntry))), createWriteStream(path));
  return layerFromTarFile(path, { compression: 'none' });
}

function typeLetter(mode: number): string {
  switch (mode & 0o170000) {
    case 0o040000:
      return 'd';
    case 0o120000:
      return 'l';
    case 0o020000:
      return 'c';
    case 0o060000:
      return 'b';
    case 0o010000:
      return 'p';
    default:
      return 'f';
  }
}

export interface DescribeOptions {
  /** Show file mtimes (whole seconds). */
  readonly mtimes?: boolean;
  /** Show trusted.overlay.* xattrs too. */
  readonly overlayXattrs?: boolean;
}

/**
 * One line per path under `dir`, sorted: `path type mode uid:gid` plus, by type, the size and a
 * content hash, the link target, the device numbers, the link count when > 1, and xattrs.
 */
export async function describeTree(dir: string, options: DescribeOptions = {}): Promise<string[]> {
  const { table } = await readXattrs(dir);
  const lines: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const abs = join(dir, path);
      const stats = await lstat(abs);
      const type = typeLetter(stats.mode);
      let line = `${path} ${type} ${(stats.mode & 0o7777).toString(8)} ${stats.uid}:${stats.gid}`;
      if (type === 'f') line += ` ${stats.size} ${createHash('sha256').update(await readFile(abs)).digest('hex').slice(0, 8)}`;
      if (type === 'l') line += ` -> ${await readlink(abs)}`;
      if (type === 'c' || type === 'b') line += ` ${(stats.rdev >> 8) & 0xfff},${stats.rdev & 0xff}`;
      if (type !== 'd' && stats.nlink > 1) line += ` links=${stats.nlink}`;
      if (options.mtimes === true && type !== 'd') line += ` t=${Math.floor(stats.mtimeMs / 1000)}`;
      for (const [key, value] of [...(table.get(path) ?? new Map<string, Uint8Array>())].sort(([a], [b]) => a.localeCompare(b))) {
        if (key.startsWith('trusted.overlay.') && options.overlayXattrs !== true) continue;
        line += ` ${key}=${Buffer.from(value).toString('hex')}`;
      }
      lines.push(line);
      if (type === 'd') await walk(path);
    }
  };
  await walk('');
  return lines;
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export interface ListedEntry {
  readonly name: string;
  readonly type: string;
  readonly mode: string;
  readonly owner: string;
  readonly size: number;
  readonly linkname: string;
}

/** The entries of a layer's uncompressed tar, in archive order. */
export async function listLayerEntries(layer: Layer): Promise<ListedEntry[]> {
  const { extract } = await import('tar-stream');
  const extractor = extract();
  const entries: ListedEntry[] = [];
  const consume = (async () => {
    for await (const entry of extractor) {
      const h = entry.header;
      entries.push({ name: h.name, type: h.type, mode: (h.mode & 0o7777).toString(8), owner: `${h.uid}:${h.gid}`, size: h.size, linkname: h.linkname });
      entry.resume();
    }
  })();
  await Promise.all([pipeline(await layer.openUncompressed(), extractor), consume]);
  return entries;
}
