import { spawnSync } from 'node:child_process';
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diskUsage } from './disk-usage.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecraft-du-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function duBytes(path: string): number {
  const result = spawnSync('du', ['-s', '-B1', path], { encoding: 'utf8' });
  return Number(result.stdout.split('\t')[0]);
}

describe('diskUsage', () => {
  it('counts what du -s counts: blocks of every entry, hard links once, symlinks not followed', async () => {
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'a', 'b'), { recursive: true });
    await writeFile(join(tree, 'a', 'big'), Buffer.alloc(300_000, 1));
    await writeFile(join(tree, 'a', 'b', 'small'), 'x');
    await link(join(tree, 'a', 'big'), join(tree, 'hardlink'));
    await writeFile(join(dir, 'outside'), Buffer.alloc(500_000, 2));
    await symlink(join(dir, 'outside'), join(tree, 'link'));
    const usage = await diskUsage(tree);
    expect(usage.entries).toBe(7); // tree, a, b, big, small, hardlink, link
    expect(usage.bytes).toBe(duBytes(tree));
    expect(usage.bytes).toBeGreaterThanOrEqual(300_000);
    expect(usage.bytes).toBeLessThan(500_000);
  });

  it.each([
    ['a missing path', 'nothing-here', { bytes: 0, entries: 0 }],
  ])('%s takes nothing', async (_name, path, expected) => {
    expect(await diskUsage(join(dir, path))).toEqual(expected);
  });

  it('measures a single file', async () => {
    await writeFile(join(dir, 'f'), Buffer.alloc(10_000, 3));
    const usage = await diskUsage(join(dir, 'f'));
    expect(usage).toEqual({ bytes: duBytes(join(dir, 'f')), entries: 1 });
  });
});
