import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaType, sha256Digest } from '../oci/index.js';
import { layerFromTarFile } from './layer-from-file.js';
import type { LayerOutputCompression } from './layer-from-file.js';
import { gzip, makeTar, streamBytes } from './test-fixtures.js';

let dir: string;
let tar: Buffer;
let plainPath: string;
let gzipPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecraft-layer-'));
  tar = await makeTar([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/tool', content: 'x'.repeat(100_000), mode: 0o755 },
    { name: 'bin/link', type: 'symlink', linkname: 'tool' },
  ]);
  plainPath = join(dir, 'layer.tar');
  gzipPath = join(dir, 'layer.tar.gz');
  await writeFile(plainPath, tar);
  await writeFile(gzipPath, gzip(tar));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('layerFromTarFile', () => {
  const cases: Array<[file: 'plain' | 'gzip', wanted: LayerOutputCompression, mediaType: string, blobIsGzip: boolean]> = [
    ['plain', 'none', MediaType.ociLayer, false],
    ['plain', 'gzip', MediaType.ociLayerGzip, true],
    ['plain', 'keep', MediaType.ociLayer, false],
    ['gzip', 'none', MediaType.ociLayer, false],
    ['gzip', 'gzip', MediaType.ociLayerGzip, true],
    ['gzip', 'keep', MediaType.ociLayerGzip, true],
  ];
  it.each(cases)('%s file, compression %s', async (file, wanted, mediaType, blobIsGzip) => {
    const layer = layerFromTarFile(file === 'plain' ? plainPath : gzipPath, { compression: wanted });
    const blob = await streamBytes(await layer.open());
    expect(blob[0] === 0x1f && blob[1] === 0x8b).toBe(blobIsGzip);
    expect(await layer.mediaType()).toBe(mediaType);
    expect(await layer.digest()).toBe(sha256Digest(blob));
    expect(await layer.size()).toBe(blob.length);
    expect(await layer.diffId()).toBe(sha256Digest(tar));
    expect((await streamBytes(await layer.openUncompressed())).equals(tar)).toBe(true);
    // Re-openable: a second read gives the same bytes.
    expect((await streamBytes(await layer.open())).equals(blob)).toBe(true);
  });

  it('keeps a claimed DiffID without reading (validateImage is what checks it)', async () => {
    const claimed = sha256Digest('not the tar');
    const layer = layerFromTarFile(plainPath, { compression: 'none', diffId: claimed });
    expect(await layer.diffId()).toBe(claimed);
    expect(await layer.digest()).toBe(claimed);
  });

  it.each([
    ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0])],
    ['bzip2', Buffer.from('BZh91AY&SY')],
  ])('refuses a %s file with UNSUPPORTED_COMPRESSION', async (kind, bytes) => {
    const path = join(dir, `layer.${kind}`);
    await writeFile(path, bytes);
    const layer = layerFromTarFile(path);
    await expect(layer.digest()).rejects.toMatchObject({ code: 'UNSUPPORTED_COMPRESSION', details: { compression: kind } });
  });

  it('reads a zstd-compressed layer file: digests of the blob and DiffID of the tar', async () => {
    const path = join(dir, 'layer.tar.zst');
    const blob = execFileSync('zstd', ['-q', '-c'], { input: tar });
    await writeFile(path, blob);
    const layer = layerFromTarFile(path, { compression: 'keep' });
    expect(await layer.digest()).toBe(sha256Digest(blob));
    expect(await layer.diffId()).toBe(sha256Digest(tar));
    expect((await streamBytes(await layer.openUncompressed())).equals(tar)).toBe(true);
  });

  it('reports corrupt gzip data as INVALID_IMAGE naming the file', async () => {
    const path = join(dir, 'broken.tar.gz');
    const good = gzip(tar);
    await writeFile(path, good.subarray(0, good.length - 40));
    const layer = layerFromTarFile(path, { compression: 'keep' });
    await expect(layer.diffId()).rejects.toMatchObject({ code: 'INVALID_IMAGE', message: expect.stringContaining('broken.tar.gz') as unknown });
  });
});
