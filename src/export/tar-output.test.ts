import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleImage } from '../image/test-fixtures.js';
import type { Image } from '../image/index.js';
import { writeDockerArchive } from './docker-archive-write.js';
import { writeOciLayout } from './oci-layout-write.js';
import { writeTarOutput } from './tar-output.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecraft-tarout-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The sample image, with its second layer's bytes replaced after the digests were taken. */
async function lyingImage(): Promise<Image> {
  const image = await sampleImage();
  const layers = await image.layers();
  await Promise.all(layers.map(async (l) => Promise.all([l.digest(), l.diffId(), l.size()])));
  const second = layers[1]!;
  const size = await second.size();
  const fake = { ...second, open: () => Promise.resolve(Readable.from([Buffer.alloc(size, 0x61)])), openUncompressed: () => Promise.resolve(Readable.from([Buffer.alloc(size, 0x61)])) };
  return { ...image, layers: () => Promise.resolve([layers[0]!, fake]) };
}

describe('output', () => {
  it('writes the same bytes to an open stream (left open) as to a file, every time', async () => {
    const image = await sampleImage();
    const path = join(dir, 'same.tar');
    await writeOciLayout([{ image, tags: ['x:1'] }], path);
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    await writeOciLayout([{ image, tags: ['x:1'] }], sink);
    expect(sink.writableEnded).toBe(false);
    expect(Buffer.concat(chunks).equals(await readFile(path))).toBe(true);
    await rm(path);
  });
});

describe('writers leave nothing behind on failure', () => {
  it.each([
    ['OCI tar', (image: Image, dest: string) => writeOciLayout([{ image, tags: ['x:1'] }], dest)],
    ['docker-archive', (image: Image, dest: string) => writeDockerArchive([{ image, tags: ['x:1'] }], dest)],
  ])('%s: a blob that is not what its digest says fails the export', async (_name, write) => {
    const dest = join(dir, 'out.tar');
    await expect(write(await lyingImage(), dest)).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports an unwritable destination as EXPORT_FAILED', async () => {
    await expect(writeTarOutput(join(dir, 'no', 'such', 'dir.tar'), async (out) => out.addDirectory('x'))).rejects.toMatchObject({
      code: 'EXPORT_FAILED',
      message: expect.stringContaining('ENOENT') as unknown,
    });
  });

  it('stops when an entry is shorter than it said', async () => {
    const dest = join(dir, 'short.tar');
    await expect(writeTarOutput(dest, async (out) => out.addFile('f', Readable.from([Buffer.from('abc')]), 10))).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });
});
