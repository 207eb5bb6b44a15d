/**
 * Encoding of POSIX tar headers (ustar, with PAX extended headers where ustar cannot say it),
 * byte-exact and deterministic: the same entry always gives the same bytes.
 */

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

export interface TarHeader {
  /** Path inside the archive, `/`-separated, no leading `/` or `./`; directories end with `/`. */
  readonly name: string;
  readonly type: TarEntryType;
  /** Permission bits plus setuid/setgid/sticky (07777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Seconds since the epoch (whole seconds; sub-second precision is dropped for determinism). */
  readonly mtime: number;
  readonly linkname?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
  /** Extended attributes, written as `SCHILY.xattr.<name>` PAX records (values are raw bytes). */
  readonly xattrs?: ReadonlyMap<string, Uint8Array>;
}

export const BLOCK_SIZE = 512;

const TYPE_FLAGS: Readonly<Record<TarEntryType, string>> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
};

const MAX_OCTAL_7 = 0o7777777;
const MAX_OCTAL_11 = 0o77777777777;

function isPlainAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  const digits = length - 1;
  const text = Math.max(0, Math.floor(value)).toString(8).padStart(digits, '0');
  block.write(text.slice(-digits) + '\0', offset, length, 'ascii');
}

/** One PAX record: `<len> <key>=<value>\n`, where len counts the whole record in bytes. */
function paxRecord(key: string, value: Uint8Array | string): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), Buffer.from(value), Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return Buffer.concat([Buffer.from(String(length), 'ascii'), body]);
}

function encodeUstar(header: TarHeader, overrides: { name: string; linkname: string; size: number; type: string }): Buffer {
  const block = Buffer.alloc(BLOCK_SIZE);
  writeString(block, 0, 100, overrides.name);
  writeOctal(block, 100, 8, header.mode & 0o7777);
  writeOctal(block, 108, 8, Math.min(header.uid, MAX_OCTAL_7));
  writeOctal(block, 116, 8, Math.min(header.gid, MAX_OCTAL_7));
  writeOctal(block, 124, 12, Math.min(overrides.size, MAX_OCTAL_11));
  writeOctal(block, 136, 12, Math.min(Math.max(header.mtime, 0), MAX_OCTAL_11));
  block.fill(0x20, 148, 156);
  block.write(overrides.type, 156, 1, 'ascii');
  writeString(block, 157, 100, overrides.linkname);
  block.write('ustar\u000000', 257, 8, 'ascii');
  writeOctal(block, 329, 8, header.devmajor ?? 0);
  writeOctal(block, 337, 8, header.devminor ?? 0);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return block;
}

/** The zero bytes that pad `size` bytes of content to a whole block. */
export function padding(size: number): number {
  const rest = size % BLOCK_SIZE;
  return rest === 0 ? 0 : BLOCK_SIZE - rest;
}

/**
 * The header blocks for an entry: a PAX extended header first when a value does not fit ustar
 * (long or non-ASCII names, large ids or sizes, xattrs), then the ustar header.
 */
export function encodeTarHeader(header: TarHeader): Buffer {
  const linkname = header.linkname ?? '';
  const records: Buffer[] = [];
  const nameFits = Buffer.byteLength(header.name) <= 100 && isPlainAscii(header.name);
  const linkFits = Buffer.byteLength(linkname) <= 100 && isPlainAscii(linkname);
  if (!nameFits) records.push(paxRecord('path', header.name));
  if (!linkFits) records.push(paxRecord('linkpath', linkname));
  if (header.uid > MAX_OCTAL_7) records.push(paxRecord('uid', String(header.uid)));
  if (header.gid > MAX_OCTAL_7) records.push(paxRecord('gid', String(header.gid)));
  if (header.size > MAX_OCTAL_11) records.push(paxRecord('size', String(header.size)));
  if (header.xattrs !== undefined) {
    for (const key of [...header.xattrs.keys()].sort()) {
      const value = header.xattrs.get(key);
      if (value !== undefined) records.push(paxRecord(`SCHILY.xattr.${key}`, value));
    }
  }
  const ustar = encodeUstar(header, {
    name: nameFits ? header.name : asciiPrefix(header.name, 100),
    linkname: linkFits ? linkname : asciiPrefix(linkname, 100),
    size: header.type === 'file' ? header.size : 0,
    type: TYPE_FLAGS[header.type],
  });
  if (records.length === 0) return ustar;
  const paxBody = Buffer.concat(records);
  const paxName = asciiPrefix(`PaxHeaders.0/${baseName(header.name)}`, 100);
  const paxHeader = encodeUstar(
    { ...header, type: 'file', mode: 0o644, uid: 0, gid: 0 },
    { name: paxName, linkname: '', size: paxBody.length, type: 'x' },
  );
  return Buffer.concat([paxHeader, paxBody, Buffer.alloc(padding(paxBody.length)), ustar]);
}

/** The two zero blocks that end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(BLOCK_SIZE * 2);
}

function baseName(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function asciiPrefix(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    const safe = isPlainAscii(ch) ? ch : '_';
    if (out.length + safe.length > max) break;
    out += safe;
  }
  return out;
}
