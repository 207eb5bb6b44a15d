// Memory stays flat whatever the layer size: import, save and load a 256 MiB layer and check the
// process's peak RSS grows by far less than the layer. (The report measured 2 GiB the same way.)
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRootfs, readArchive, writeDockerArchive, writeOciLayout } from '../../src/export/index.js';
import { validateImage } from '../../src/image/index.js';
import { openStore } from '../../src/store/index.js';

// STAGECRAFT_MEMORY_TEST_MIB=2048 repeats the check with a 2 GiB layer (slow: about two minutes).
const LAYER_BYTES = Number(process.env['STAGECRAFT_MEMORY_TEST_MIB'] ?? '256') * 1024 * 1024;
const ALLOWED_GROWTH = 96 * 1024 * 1024;

/** A tar holding one file of `size` bytes, written in 1 MiB chunks. */
async function writeBigTar(path: string, size: number): Promise<void> {
  const archive = pack();
  const written = pipeline(archive, createWriteStream(path));
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  function* content(): Generator<Buffer> {
    for (let left = size; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  }
  await pipeline(Readable.from(content()), archive.entry({ name: 'big.bin', size }));
  archive.finalize();
  await written;
}

const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecraft-memory-'));
  await writeBigTar(join(dir, 'rootfs.tar'), LAYER_BYTES);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('archives stream', () => {
  it(`imports, stores, saves (both formats) and loads a ${LAYER_BYTES / 1048576} MiB layer in flat memory`, async () => {
    const before = peakRss();
    const store = await openStore(join(dir, 'store'));
    await store.putImage(await importRootfs(join(dir, 'rootfs.tar')), { tags: ['big:1'] });
    const image = await store.getImage('big:1');
    await writeDockerArchive([{ image, tags: ['big:1'] }], join(dir, 'docker.tar'));
    await writeOciLayout([{ image, tags: ['big:1'] }], join(dir, 'oci.tar'));
    for (const name of ['docker.tar', 'oci.tar']) {
      const archive = await readArchive(join(dir, name));
      const [entry] = archive.images;
      await validateImage(entry!.image, { depth: 'content', checkEntries: true });
      const fresh = await openStore(join(dir, `fresh-${name}`));
      await fresh.putImage(entry!.image, { tags: entry!.tags });
      expect((await (await fresh.getImage('big:1')).config()).rootfs.diff_ids).toEqual((await image.config()).rootfs.diff_ids);
      await archive.close();
    }
    const growth = peakRss() - before;
    console.log(`archives-memory: peak RSS grew ${(growth / 1048576).toFixed(1)} MiB for a ${LAYER_BYTES / 1048576} MiB layer`);
    expect(growth).toBeLessThan(ALLOWED_GROWTH);
  }, 900_000);
});
