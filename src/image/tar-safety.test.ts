import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkTarEntries, safeEntryPath } from './tar-safety.js';
import { makeTar } from './test-fixtures.js';
import type { FixtureEntry } from './test-fixtures.js';

const check = async (entries: FixtureEntry[]) => checkTarEntries(Readable.from([await makeTar(entries)]), { source: 'img.tar: layer 0' });

describe('checkTarEntries', () => {
  it('accepts an ordinary root filesystem, absolute symlinks included', async () => {
    const summary = await check([
      { name: './', type: 'directory' },
      { name: './usr/', type: 'directory' },
      { name: './usr/bin/', type: 'directory' },
      { name: './usr/bin/sh', content: '#!', mode: 0o755 },
      { name: './bin', type: 'symlink', linkname: 'usr/bin' },
      { name: './etc/', type: 'directory' },
      { name: './etc/localtime', type: 'symlink', linkname: '/usr/share/zoneinfo/UTC' },
      { name: './etc/alt', type: 'symlink', linkname: '../usr/bin/sh' },
      { name: './usr/bin/sh2', type: 'link', linkname: './usr/bin/sh' },
      { name: './etc/.wh..wh..opq', content: '' },
    ]);
    expect(summary.entries).toBe(10);
    expect(summary.contentBytes).toBe(2);
  });

  const hostile: Array<[string, FixtureEntry[], RegExp]> = [
    ['a path climbing out', [{ name: '../../etc/x', content: 'x' }], /"\.\.\/\.\.\/etc\/x" escapes the root/],
    ['a path climbing out midway', [{ name: 'a/../../x', content: 'x' }], /escapes the root/],
    ['an absolute path', [{ name: '/etc/passwd', content: 'x' }], /absolute path/],
    ['a symlink climbing out', [{ name: 'evil', type: 'symlink', linkname: '../../../../etc' }], /symlink pointing outside/],
    [
      'a file written through a symlink',
      [
        { name: 'evil', type: 'symlink', linkname: '/etc' },
        { name: 'evil/cron.d/x', content: 'x' },
      ],
      /"evil\/cron.d\/x" is written through the symlink "evil"/,
    ],
    ['a hard link out', [{ name: 'h', type: 'link', linkname: '../../etc/shadow' }], /hard link to a path outside/],
    [
      'a hard link through a symlink',
      [
        { name: 'd', type: 'symlink', linkname: '/' },
        { name: 'h', type: 'link', linkname: 'd/etc/shadow' },
      ],
      /hard link through the symlink "d"/,
    ],
  ];
  it.each(hostile)('refuses %s with INVALID_ARCHIVE', async (_name, entries, message) => {
    const err = await check(entries).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARCHIVE' });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain('img.tar: layer 0');
  });

  it('allows a path under a symlink once a directory replaced it', async () => {
    await expect(
      check([
        { name: 'd', type: 'symlink', linkname: '/x' },
        { name: 'd', type: 'directory' },
        { name: 'd/f', content: 'f' },
      ]),
    ).resolves.toMatchObject({ entries: 3 });
  });

  it.each([
    ['truncated in a file', (t: Buffer) => t.subarray(0, 700)],
    ['with a corrupt header', (t: Buffer) => Buffer.concat([t.subarray(0, 1024), Buffer.alloc(512, 0x41), t.subarray(1536)])],
  ])('reports an archive %s naming the last entry', async (_name, damage) => {
    const tar = await makeTar([
      { name: 'first', content: 'x'.repeat(100) },
      { name: 'second', content: 'y'.repeat(1000) },
    ]);
    const err = await checkTarEntries(Readable.from([damage(tar)]), { source: 'img.tar' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARCHIVE' });
    expect((err as Error).message).toMatch(/img\.tar: truncated or corrupt tar after entry "(first|second)"/);
  });
});

describe('safeEntryPath', () => {
  it.each([
    ['./a/b/', 'a/b'],
    ['a//b', 'a/b'],
    ['./', ''],
    ['a/./b/../c', 'a/c'],
  ])('%s -> %s', (name, want) => {
    expect(safeEntryPath(name, 's')).toBe(want);
  });
});
