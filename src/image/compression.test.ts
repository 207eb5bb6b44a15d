import { execFileSync } from 'node:child_process';
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
  it('reads zstd data written by the zstd program, in small chunks too', async () => {
    const data = Buffer.from('0123456789abcdef'.repeat(20000));
    const encoded = execFileSync('zstd', ['-q', '-c', '-3'], { input: data });
    const chunks = Array.from({ length: Math.ceil(encoded.length / 13) }, (_, i) => encoded.subarray(i * 13, i * 13 + 13));
    const { compression, stream } = await decompressDetected(Readable.from(chunks), 'x');
    expect(compression).toBe('zstd');
    expect((await streamBytes(stream)).equals(data)).toBe(true);
  });
  it('fails a corrupt or truncated zstd stream on the stream', async () => {
    const encoded = execFileSync('zstd', ['-q', '-c'], { input: Buffer.from('x'.repeat(5000)) });
    const truncated = await decompressDetected(Readable.from([encoded.subarray(0, encoded.length - 4)]), 'blob');
    await expect(streamBytes(truncated.stream)).rejects.toThrow();
    const garbage = await decompressDetected(Readable.from([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff, 0xff, 0xff, 1, 2, 3])]), 'blob');
    await expect(streamBytes(garbage.stream)).rejects.toThrow();
  });
});
