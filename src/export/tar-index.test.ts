import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTar, streamBytes } from '../image/test-fixtures.js';
import type { FixtureEntry } from '../image/test-fixtures.js';
import { tarArchiveFiles } from './archive-files.js';
import { indexTarFile, resolveTarEntry } from './tar-index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecraft-tarindex-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function tarFile(content: Buffer | FixtureEntry[]): Promise<string> {
  const path = join(dir, `t${counter++}.tar`);
  await writeFile(path, Array.isArray(content) ? await makeTar(content) : content);
  return path;
}

describe('indexTarFile', () => {
  it('finds every entry and reads file data in place', async () => {
    const long = 'd/' + 'x'.repeat(150) + '/file';
    const path = await tarFile([
      { name: './manifest.json', content: '[]' },
      { name: 'a/', type: 'directory' },
      { name: 'a/layer.tar', content: 'layer bytes' },
      { name: 'b/layer.tar', type: 'symlink', linkname: '../a/layer.tar' },
      { name: 'c', type: 'link', linkname: 'a/layer.tar' },
      { name: long, content: 'long name' },
      { name: 'empty', content: '' },
    ]);
    const index = await indexTarFile(path);
    expect([...index.entries.keys()]).toEqual(['manifest.json', 'a', 'a/layer.tar', 'b/layer.tar', 'c', long, 'empty']);
    const files = tarArchiveFiles(index, path);
    for (const [name, want] of [['a/layer.tar', 'layer bytes'], ['b/layer.tar', 'layer bytes'], ['c', 'layer bytes'], [long, 'long name'], ['empty', ''], ['./manifest.json', '[]']] as const) {
      expect((await streamBytes(await files.open(name))).toString()).toBe(want);
      expect(await files.size(name)).toBe(want.length);
    }
    expect(await files.size('nope')).toBeUndefined();
    await expect(files.open('nope')).rejects.toMatchObject({ code: 'INVALID_ARCHIVE' });
  });

  const hostile: Array<[string, () => Promise<Buffer>, RegExp]> = [
    ['an entry climbing out', () => makeTar([{ name: '../../etc/x', content: 'x' }]), /escapes the root/],
    ['an absolute entry', () => makeTar([{ name: '/etc/x', content: 'x' }]), /absolute path/],
    ['a truncated entry', async () => (await makeTar([{ name: 'big', content: 'z'.repeat(5000) }])).subarray(0, 2048), /run past the end of the file/],
    ['a missing end marker', async () => (await makeTar([{ name: 'f', content: 'z' }])).subarray(0, 1024), /without its end-of-archive marker/],
    ['a corrupt header', async () => {
      const tar = await makeTar([{ name: 'f', content: 'z' }]);
      tar[10] = 0x41;
      return tar;
    }, /checksum mismatch/],
    ['a header cut short', async () => (await makeTar([{ name: 'f', content: 'z' }])).subarray(0, 100), /truncated inside a header/],
  ];
  it.each(hostile)('refuses %s with INVALID_ARCHIVE naming the file', async (_name, make, message) => {
    const path = await tarFile(await make());
    const err = await indexTarFile(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARCHIVE' });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(path);
  });

  it('refuses links that lead outside the archive or loop', async () => {
    const path = await tarFile([
      { name: 'out', type: 'symlink', linkname: '../../../etc/passwd' },
      { name: 'abs', type: 'symlink', linkname: '/manifest.json' },
      { name: 'manifest.json', content: '[]' },
      { name: 'loop1', type: 'symlink', linkname: 'loop2' },
      { name: 'loop2', type: 'symlink', linkname: 'loop1' },
    ]);
    const index = await indexTarFile(path);
    expect(() => resolveTarEntry(index, 'out', path)).toThrow(/escapes the root/);
    expect(resolveTarEntry(index, 'abs', path)?.name).toBe('manifest.json');
    expect(() => resolveTarEntry(index, 'loop1', path)).toThrow(/too many levels of links/);
  });
});
