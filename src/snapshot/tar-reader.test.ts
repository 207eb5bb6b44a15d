import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeTarHeader, endOfArchive, writeTar } from '../tar/index.js';
import { parsePaxRecords, readLayerTar } from './tar-reader.js';
import type { LayerTarHeader } from './tar-reader.js';
import { toTarEntry } from './testing/fixtures.js';

async function readAll(bytes: Buffer): Promise<LayerTarHeader[]> {
  const headers: LayerTarHeader[] = [];
  await readLayerTar(Readable.from([bytes]), (header) => {
    headers.push(header);
    return Promise.resolve();
  }, { source: 'test' });
  return headers;
}

async function tarOf(entries: Parameters<typeof toTarEntry>[0][]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of writeTar(entries.map(toTarEntry))) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A PAX header block followed by its records (as a tar writer other than ours would emit). */
function paxBlock(records: Buffer, type: 'x' | 'g'): Buffer {
  const header = encodeTarHeader({ name: 'PaxHeaders/x', type: 'file', mode: 0o644, uid: 0, gid: 0, size: records.length, mtime: 0 });
  header.write(type, 156, 1, 'ascii');
  // re-checksum after changing the type flag
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return Buffer.concat([header, records, Buffer.alloc((512 - (records.length % 512)) % 512)]);
}

function record(key: string, value: Buffer | string): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

describe('parsePaxRecords', () => {
  it('keeps values as raw bytes, including bytes that are not UTF-8', () => {
    const binary = Buffer.from([0x01, 0x00, 0x80, 0xff, 0x0a, 0x3d]);
    const parsed = parsePaxRecords(Buffer.concat([record('path', 'héllo'), record('SCHILY.xattr.security.capability', binary)]));
    expect(parsed.get('path')?.toString('utf8')).toBe('héllo');
    expect(parsed.get('SCHILY.xattr.security.capability')).toEqual(binary);
  });

  it.each([
    ['a record whose length is not a number', Buffer.from('zz path=a\n')],
    ['a length beyond the buffer', Buffer.from('99 path=a\n')],
    ['no space', Buffer.from('10path=a\n')],
  ])('stops at %s', (_name, bytes) => {
    expect([...parsePaxRecords(bytes).keys()]).toEqual([]);
  });
});

describe('readLayerTar', () => {
  it('gives xattrs as raw bytes and applies PAX uid, gid and fractional mtime', async () => {
    const cap = Buffer.from('0100000280000000ff000000000000000000ff00', 'hex');
    const tar = await tarOf([{ path: 'ping', content: 'x', xattrs: { 'security.capability': cap }, uid: 3_000_000, gid: 3_000_001 }]);
    const [header] = await readAll(tar);
    expect(header?.xattrs.get('security.capability')).toEqual(cap);
    expect(header).toMatchObject({ name: 'ping', uid: 3_000_000, gid: 3_000_001, type: 'file', size: 1 });

    const withTime = Buffer.concat([
      paxBlock(Buffer.concat([record('mtime', '1700000000.25'), record('atime', '1700000001.5')]), 'x'),
      encodeTarHeader({ name: 'f', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1 }),
      endOfArchive(),
    ]);
    expect(await readAll(withTime)).toMatchObject([{ name: 'f', mtime: 1700000000.25, atime: 1700000001.5, mode: 0o644 }]);
  });

  it('applies a global PAX header to the entries that carry their own PAX header, as tar-stream does', async () => {
    const bytes = Buffer.concat([
      paxBlock(record('SCHILY.xattr.user.global', 'g'), 'g'),
      paxBlock(record('SCHILY.xattr.user.own', 'o'), 'x'),
      encodeTarHeader({ name: 'a', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1 }),
      encodeTarHeader({ name: 'b', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1 }),
      endOfArchive(),
    ]);
    const [a, b] = await readAll(bytes);
    expect([...(a?.xattrs.keys() ?? [])].sort()).toEqual(['user.global', 'user.own']);
    expect([...(b?.xattrs.keys() ?? [])]).toEqual([]);
  });

  it('turns a corrupt tar into INVALID_ARCHIVE naming the last entry', async () => {
    const tar = await tarOf([{ path: 'good', content: 'x' }, { path: 'bad', content: 'y' }]);
    tar[1024 + 148] = 0x39; // break the second header's checksum
    await expect(readAll(tar)).rejects.toMatchObject({ code: 'INVALID_ARCHIVE', message: expect.stringContaining('after entry "good"') as unknown });
  });

  it('passes on what the callback throws, as it is', async () => {
    const tar = await tarOf([{ path: 'a', content: 'x' }]);
    const failure = new Error('disk on fire');
    await expect(readLayerTar(Readable.from([tar]), () => Promise.reject(failure), { source: 'test' })).rejects.toBe(failure);
  });
});
