import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { appendLayers, imageFromParts, layerFromBlobs, toDockerMediaTypes, validateImage } from '../image/index.js';
import type { Image } from '../image/index.js';
import { bufferLayer, gzip, makeTar, sampleImage, streamBytes } from '../image/test-fixtures.js';
import { MediaType, sha256Digest } from '../oci/index.js';
import { indexTarFile } from './tar-index.js';
import { readArchive } from './read-archive.js';
import { writeDockerArchive } from './docker-archive-write.js';
import { writeOciLayout } from './oci-layout-write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecraft-roundtrip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function layerDigests(image: Image): Promise<string[]> {
  return (await image.manifest()).layers.map((l) => l.digest);
}

describe('OCI layout round trips', () => {
  const cases: Array<[string, 'tar' | 'dir', boolean, (i: Image) => Image]> = [
    ['tar', 'tar', false, (i) => i],
    ['directory', 'dir', false, (i) => i],
    ['gzip-compressed tar', 'tar', true, (i) => i],
    ['tar of a Docker-typed image', 'tar', false, toDockerMediaTypes],
  ];
  it.each(cases)('%s keeps manifest digest, layers and tags', async (name, format, compressFile, variant) => {
    const image = variant(await sampleImage());
    let dest = join(dir, `oci-${name.replace(/\W+/g, '-')}${format === 'tar' ? '.tar' : ''}`);
    await writeOciLayout([{ image, tags: ['example.com/team/app:1.0', 'app:latest'] }], dest, { format });
    if (compressFile) {
      const zipped = `${dest}.gz`;
      await writeFile(zipped, gzipSync(await readFile(dest)));
      dest = zipped;
    }
    const archive = await readArchive(dest);
    try {
      expect(archive.format).toBe('oci-layout');
      expect(archive.images).toHaveLength(1);
      const [read] = archive.images;
      expect(read!.tags).toEqual(['example.com/team/app:1.0', 'app:latest']);
      expect(await read!.image.digest()).toBe(await image.digest());
      expect(await read!.image.mediaType()).toBe(await image.mediaType());
      expect(await layerDigests(read!.image)).toEqual(await layerDigests(image));
      await validateImage(read!.image, { depth: 'content', checkEntries: true });
    } finally {
      await archive.close();
    }
  });

  it('writes the files skopeo and umoci look for, with tags in ref.name', async () => {
    const dest = join(dir, 'layout.tar');
    const image = await sampleImage();
    await writeOciLayout([{ image, tags: ['app:1'] }], dest);
    const index = await indexTarFile(dest);
    expect([...index.entries.keys()].slice(0, 4)).toEqual(['oci-layout', 'index.json', 'blobs', 'blobs/sha256']);
    const blobs = [...index.entries.keys()].filter((k) => k.startsWith('blobs/sha256/'));
    expect(blobs).toHaveLength(4); // manifest, config, two layers
    const read = await readArchive(dest);
    expect(read.images[0]!.tags).toEqual(['app:1']);
  });

  it('merges a second save into a directory layout, replacing a reused tag', async () => {
    const dest = join(dir, 'merged');
    const first = await sampleImage();
    const second = appendLayers(first, [bufferLayer(gzip(await makeTar([{ name: 'x', content: 'x' }])))]);
    await writeOciLayout([{ image: first, tags: ['app:1', 'app:latest'] }], dest, { format: 'dir' });
    await writeOciLayout([{ image: second, tags: ['app:2', 'app:latest'] }], dest, { format: 'dir' });
    const index = JSON.parse(await readFile(join(dest, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
    const byTag: Record<string, string> = Object.fromEntries(index.manifests.map((m) => [m.annotations['org.opencontainers.image.ref.name'] ?? '', m.digest]));
    expect(byTag).toEqual({ '1': await first.digest(), '2': await second.digest(), latest: await second.digest() });
    const archive = await readArchive(dest);
    expect(archive.images.map((i) => i.tags)).toEqual([['app:1'], ['app:2', 'app:latest']]);
  });

  it('recompresses layers when asked', async () => {
    const dest = join(dir, 'gzip-layers.tar');
    await writeOciLayout([{ image: await sampleImage(), tags: [] }], dest, { layerCompression: 'gzip' });
    const archive = await readArchive(dest);
    const manifest = await archive.images[0]!.image.manifest();
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([MediaType.ociLayerGzip, MediaType.ociLayerGzip]);
    expect(archive.images[0]!.tags).toEqual([]);
    await validateImage(archive.images[0]!.image, { depth: 'content' });
  });
});

describe('damaged archives', () => {
  it('reports a truncated gzip archive and removes its temp files', async () => {
    const tempDir = await mkdtemp(join(dir, 'temp-'));
    const dest = join(dir, 'cut.tar');
    await writeDockerArchive([{ image: await sampleImage(), tags: ['a:1'] }], dest);
    const zipped = gzipSync(await readFile(dest));
    await writeFile(`${dest}.gz`, zipped.subarray(0, zipped.length >> 1));
    await expect(readArchive(`${dest}.gz`, { tempDir })).rejects.toMatchObject({ code: 'INVALID_ARCHIVE', message: expect.stringMatching(/cut\.tar\.gz: corrupt or truncated gzip data/) as unknown });
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('refuses what is no image archive', async () => {
    const dest = join(dir, 'plain.tar');
    await writeFile(dest, await makeTar([{ name: 'hello', content: 'x' }]));
    await expect(readArchive(dest)).rejects.toMatchObject({ code: 'INVALID_ARCHIVE', message: expect.stringContaining('neither an OCI image layout') as unknown });
  });

  it('reads an OCI layout with zstd layers and decodes them (docker-archive gets the plain tar)', async () => {
    const tar = await makeTar([{ name: 'hello', content: 'zstd world' }]);
    const zstdBlob = execFileSync('zstd', ['-q', '-c'], { input: tar });
    const layer = layerFromBlobs({ mediaType: MediaType.ociLayerZstd, digest: sha256Digest(zstdBlob), size: zstdBlob.length, diffId: sha256Digest(tar), open: () => Promise.resolve(Readable.from([zstdBlob])) });
    const image = imageFromParts({ config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] } }, layers: [layer] });
    const dest = join(dir, 'zstd.tar');
    await writeOciLayout([{ image, tags: ['z:1'] }], dest);
    const archive = await readArchive(dest);
    const read = archive.images[0]!.image;
    expect((await read.manifest()).layers[0]!.mediaType).toBe(MediaType.ociLayerZstd);
    await validateImage(read, { depth: 'content' });
    const dockerDest = join(dir, 'zstd-docker.tar');
    await writeDockerArchive([{ image: read, tags: ['z:1'] }], dockerDest);
    const back = await readArchive(dockerDest);
    expect((await back.images[0]!.image.config()).rootfs.diff_ids).toEqual([sha256Digest(tar)]);
    await back.close();
    await archive.close();
  });
});

describe('docker-archive round trips', () => {
  it.each([false, true])('keeps config, DiffIDs and tags (gzip-compressed file: %s)', async (compressFile) => {
    const image = await sampleImage();
    const other = appendLayers(image, [bufferLayer(gzip(await makeTar([{ name: 'y', content: 'y' }])))]);
    let dest = join(dir, `docker-${String(compressFile)}.tar`);
    const entries = await writeDockerArchive(
      [
        { image, tags: ['docker.io/library/app:1'] },
        { image: other, tags: ['localhost:5000/app:2'] },
      ],
      dest,
    );
    expect(entries[0]!.RepoTags).toEqual(['app:1']);
    expect(entries[1]!.Layers.slice(0, 2)).toEqual(entries[0]!.Layers);
    if (compressFile) {
      await writeFile(`${dest}.gz`, gzipSync(await readFile(dest)));
      dest = `${dest}.gz`;
    }
    const archive = await readArchive(dest, { tempDir: dir });
    expect(archive.format).toBe('docker-archive');
    expect(archive.images.map((i) => i.tags)).toEqual([['app:1'], ['localhost:5000/app:2']]);
    for (const [n, original] of [image, other].entries()) {
      const read = archive.images[n]!.image;
      expect((await read.manifest()).config.digest).toBe((await original.manifest()).config.digest);
      expect((await read.config()).rootfs.diff_ids).toEqual((await original.config()).rootfs.diff_ids);
      expect((await read.manifest()).layers.every((l) => l.mediaType === MediaType.ociLayer)).toBe(true);
      await validateImage(read, { depth: 'content', checkEntries: true });
      const tars = await Promise.all((await read.layers()).map(async (l) => streamBytes(await l.openUncompressed())));
      const want = await Promise.all((await original.layers()).map(async (l) => streamBytes(await l.openUncompressed())));
      expect(tars).toEqual(want);
    }
    await archive.close();
    expect((await readdir(dir)).some((f) => f.startsWith('stagecraft-archive-'))).toBe(false);
  });

  it('writes each shared layer once and a repositories file', async () => {
    const image = await sampleImage();
    const dest = join(dir, 'shared.tar');
    await writeDockerArchive([{ image, tags: ['a:1'] }, { image, tags: ['b:2'] }], dest);
    const names = [...(await indexTarFile(dest)).entries.keys()];
    expect(names.filter((n) => n.endsWith('/layer.tar'))).toHaveLength(2);
    expect(names).toContain('repositories');
    expect(names).toContain('manifest.json');
  });
});
