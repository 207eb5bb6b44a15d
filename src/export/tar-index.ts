import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { BuildError, isBuildError } from '../errors/index.js';
import { safeEntryPath } from '../image/index.js';

export type TarEntryKind = 'file' | 'directory' | 'symlink' | 'link' | 'other';

/** Where one entry of a tar file is: its data starts at `offset` and runs `size` bytes. */
export interface TarIndexEntry {
  readonly name: string;
  readonly kind: TarEntryKind;
  readonly offset: number;
  readonly size: number;
  readonly linkname: string;
}

export interface TarIndex {
  readonly path: string;
  readonly entries: ReadonlyMap<string, TarIndexEntry>;
}

const BLOCK = 512;
/** More entries than this in an image archive is not an image archive. */
const MAX_ENTRIES = 1_000_000;
const MAX_EXTENDED_HEADER = 1024 * 1024;

function corrupt(label: string, entry: string, problem: string): BuildError<'INVALID_ARCHIVE'> {
  return new BuildError('INVALID_ARCHIVE', `${label}: ${problem}${entry !== '' ? ` (at entry ${JSON.stringify(entry)})` : ''}`, {
    details: { source: label, entry, problem },
  });
}

function text(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function number(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  const first = field[0] ?? 0;
  if ((first & 0x80) !== 0) {
    let value = first & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const digits = text(block, offset, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) return Number.NaN;
  return parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  const stored = number(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** PAX records: `<length> <key>=<value>\n`, repeated. */
function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > data.length) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

function kindOf(flag: string): TarEntryKind {
  switch (flag) {
    case '0':
    case '\0':
    case '':
    case '7':
      return 'file';
    case '1':
      return 'link';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
}

async function readBlock(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Reads every header of an (uncompressed) tar file without reading the file data, so an archive
 * of gigabytes is indexed in a few reads. Entry names are normalised and must stay inside the
 * archive (no absolute or `..` paths). A bad checksum, an entry running past the end of the
 * file, or a missing end-of-archive marker is INVALID_ARCHIVE naming the file and the entry.
 */
export async function indexTarFile(path: string, options: { readonly label?: string } = {}): Promise<TarIndex> {
  const label = options.label ?? path;
  const handle = await open(path, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const entries = new Map<string, TarIndexEntry>();
    let position = 0;
    let pending: { path?: string; linkpath?: string; size?: number } = {};
    let last = '';
    for (;;) {
      const block = await readBlock(handle, position, BLOCK);
      if (block.length < BLOCK) {
        throw corrupt(label, last, block.length === 0 ? 'the archive ends without its end-of-archive marker (truncated?)' : 'the archive is truncated inside a header');
      }
      if (block.every((b) => b === 0)) break;
      if (!checksumOk(block)) throw corrupt(label, last, `corrupt tar header at byte ${position} (checksum mismatch)`);
      const flag = String.fromCharCode(block[156] ?? 0);
      const size = pending.size ?? number(block, 124, 12);
      if (!Number.isSafeInteger(size) || size < 0) throw corrupt(label, last, `invalid entry size at byte ${position}`);
      const dataStart = position + BLOCK;
      if (dataStart + size > fileSize) {
        throw corrupt(label, pending.path ?? text(block, 0, 100), `the entry's ${size} bytes run past the end of the file (truncated?)`);
      }
      position = dataStart + Math.ceil(size / BLOCK) * BLOCK;
      if (flag === 'x' || flag === 'L' || flag === 'K') {
        if (size > MAX_EXTENDED_HEADER) throw corrupt(label, last, `extended header of ${size} bytes`);
        const data = await readBlock(handle, dataStart, size);
        if (flag === 'x') {
          const pax = parsePax(data);
          const paxPath = pax.get('path');
          const paxLink = pax.get('linkpath');
          const paxSize = pax.get('size');
          if (paxPath !== undefined) pending.path = paxPath;
          if (paxLink !== undefined) pending.linkpath = paxLink;
          if (paxSize !== undefined) pending.size = Number(paxSize);
        } else {
          const value = text(data, 0, data.length);
          if (flag === 'L') pending.path = value;
          else pending.linkpath = value;
        }
        continue;
      }
      if (flag === 'g') continue;
      const magic = text(block, 257, 6);
      const prefix = magic.startsWith('ustar') ? text(block, 345, 155) : '';
      const rawName = pending.path ?? (prefix !== '' ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
      const linkname = pending.linkpath ?? text(block, 157, 100);
      pending = {};
      last = rawName;
      const name = safeEntryPath(rawName, label);
      if (entries.size >= MAX_ENTRIES) throw corrupt(label, rawName, `more than ${MAX_ENTRIES} entries`);
      entries.set(name, { name, kind: kindOf(flag), offset: dataStart, size, linkname });
    }
    return { path, entries };
  } catch (err) {
    if (isBuildError(err)) throw err;
    throw corrupt(label, '', `cannot read the archive (${(err as Error).message})`);
  } finally {
    await handle.close();
  }
}

/**
 * The regular-file entry `name` ends at, following symlinks and hard links inside the archive
 * (docker save links repeated layers to their first copy). Targets must stay inside the archive.
 */
export function resolveTarEntry(index: TarIndex, name: string, label: string): TarIndexEntry | undefined {
  let current = safeEntryPath(name, label);
  for (let hops = 0; hops < 16; hops++) {
    const entry = index.entries.get(current);
    if (entry === undefined) return undefined;
    if (entry.kind === 'file') return entry;
    if (entry.kind === 'symlink') {
      const target = entry.linkname.startsWith('/') ? entry.linkname.slice(1) : posix.join(posix.dirname(current), entry.linkname);
      current = safeEntryPath(target, label);
    } else if (entry.kind === 'link') {
      current = safeEntryPath(entry.linkname, label);
    } else {
      return undefined;
    }
  }
  throw corrupt(label, name, 'too many levels of links');
}
