import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateImage } from '../image/index.js';
import { gzip, makeTar, streamBytes } from '../image/test-fixtures.js';
import { MediaType, sha256Digest } from '../oci/index.js';
import { importRootfs } from './import-rootfs.js';

let dir: string;
let rootfs: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecraft-import-'));
  rootfs = await makeTar([
    { name: './', type: 'directory' },
    { name: './bin/', type: 'directory' },
    { name: './bin/sh', content: '#!/bin/true\n', mode: 0o755 },
    { name: './etc/', type: 'directory' },
    { name: './etc/os-release', content: 'ID=test\n' },
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('importRootfs', () => {
  it.each([
    ['plain', 'none'],
    ['plain', 'gzip'],
    ['gzip', 'none'],
    ['gzip', 'gzip'],
  ] as const)('makes a one-layer image from a %s tarball (layer %s)', async (file, compression) => {
    const path = join(dir, `rootfs-${file}-${compression}.tar`);
    await writeFile(path, file === 'gzip' ? gzip(rootfs) : rootfs);
    const created = new Date('2024-01-02T03:04:05Z');
    const image = await importRootfs(path, {
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      changes: ['CMD ["/bin/sh"]', 'ENV A=1'],
      compression,
      created,
    });
    const config = await image.config();
    expect(config).toMatchObject({
      architecture: 'arm64',
      variant: 'v8',
      os: 'linux',
      created: created.toISOString(),
      config: { Cmd: ['/bin/sh'], Env: ['A=1'] },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(rootfs)] },
      history: [{ created: created.toISOString(), comment: 'Imported from -' }],
    });
    const [layer] = await image.layers();
    expect(await layer!.mediaType()).toBe(compression === 'gzip' ? MediaType.ociLayerGzip : MediaType.ociLayer);
    expect((await streamBytes(await layer!.openUncompressed())).equals(rootfs)).toBe(true);
    await validateImage(image, { depth: 'content' });
  });

  it.each([
    ['../../etc/x', [{ name: '../../etc/x', content: 'x' }], /escapes the root/],
    ['an absolute path', [{ name: '/etc/passwd', content: 'x' }], /absolute path/],
    ['a write through a symlink', [{ name: 'lib', type: 'symlink' as const, linkname: '/etc' }, { name: 'lib/x', content: 'x' }], /written through the symlink/],
  ])('refuses a tarball with %s', async (_name, entries, message) => {
    const path = join(dir, 'hostile.tar');
    await writeFile(path, await makeTar(entries));
    await expect(importRootfs(path)).rejects.toMatchObject({ code: 'INVALID_ARCHIVE', message: expect.stringMatching(message) as unknown });
  });

  it.each([
    ['missing', undefined, 'INVALID_ARCHIVE'],
    ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]), 'UNSUPPORTED_COMPRESSION'],
    ['truncated gzip', gzip(Buffer.alloc(4096, 7)).subarray(0, 20), 'INVALID_ARCHIVE'],
  ])('refuses a %s file', async (name, bytes, code) => {
    const path = join(dir, `bad-${name}`);
    if (bytes !== undefined) await writeFile(path, bytes);
    await expect(importRootfs(path)).rejects.toMatchObject({ code });
  });
});
