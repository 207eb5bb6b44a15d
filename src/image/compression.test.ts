import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressDetected, detectCompression } from './compression.js';
import { streamBytes } from './test-fixtures.js';

describe('detectCompression', () => {
  it.each([
    [[0x1f, 0x8b, 0x08], 'gzip'],
    [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz'],
    [[0x42, 0x5a, 0x68, 0x39], 'bzip2'],
    [[0x61, 0x62, 0x63], 'none'],
    [[0x1f], 'none'],
    [[], 'none'],
  ])('%j is %s', (bytes, kind) => {
    expect(detectCompression(Uint8Array.from(bytes))).toBe(kind);
  });
});

describe('decompressDetected', () => {
  it.each([
    ['plain', (b: Buffer) => b],
    ['gzip', (b: Buffer) => gzipSync(b)],
  ])('reads %s data back whole, in small chunks too', async (_kind, encode) => {
    const data = Buffer.from('0123456789'.repeat(1000));
    const encoded = encode(data);
    const chunks = Array.from({ length: Math.ceil(encoded.length / 7) }, (_, i) => encoded.subarray(i * 7, i * 7 + 7));
    const { stream } = await decompressDetected(Readable.from(chunks), 'x');
    expect((await streamBytes(stream)).equals(data)).toBe(true);
  });
  it('refuses zstd', async () => {
    await expect(decompressDetected(Readable.from([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2])]), 'blob')).rejects.toMatchObject({ code: 'UNSUPPORTED_COMPRESSION' });
  });
});
