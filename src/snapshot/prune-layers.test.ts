import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActiveSnapshot, removeActiveSnapshot } from './active-snapshots.js';
import { activeDir, layerFsDir, layersDir } from './layout.js';
import { currentOwner } from './process-owner.js';
import { pruneUnpackedLayers } from './prune-layers.js';
import type { Digest } from '../oci/index.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-prune-layers-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const diffId = (c: string): Digest => `sha256:${c.repeat(64)}` as Digest;

/** An unpacked layer with one file of `size` bytes. */
async function unpacked(c: string, size = 10_000): Promise<string> {
  const fs = layerFsDir(root, diffId(c));
  await mkdir(join(fs, 'usr'), { recursive: true });
  await writeFile(join(fs, 'usr', 'file'), Buffer.alloc(size, 7));
  return fs;
}

describe('pruneUnpackedLayers', () => {
  it('removes layers nothing uses; keeps those live snapshots stack and those the caller names', async () => {
    const [, b, c, d] = [await unpacked('a', 100_000), await unpacked('b'), await unpacked('c'), await unpacked('d', 50_000)];
    const live = createActiveSnapshot(root, 'overlay', [b, '/some/context/dir']);
    // snapshot records of a process that is gone protect nothing, in either place
    await mkdir(join(activeDir(root), '4194305-9.abc'), { recursive: true });
    await writeFile(join(activeDir(root), '4194305-9.abc', 'record.json'), JSON.stringify({ version: 1, id: '4194305-9.abc', lowerDirs: [d] }));
    await writeFile(join(activeDir(root), '4194305-9.def.json'), JSON.stringify({ version: 1, id: '4194305-9.def', lowerDirs: [d] }));
    const result = await pruneUnpackedLayers(root, { keep: [join(c, 'usr'), '/elsewhere'] });
    expect(result).toMatchObject({ removed: 2, kept: 2 });
    expect(result.freedBytes).toBeGreaterThanOrEqual(150_000);
    expect((await readdir(layersDir(root))).sort()).toEqual(['b'.repeat(64), 'c'.repeat(64)]);
    await removeActiveSnapshot(root, live.id);
    expect(await pruneUnpackedLayers(root)).toMatchObject({ removed: 2, kept: 0 });
    expect(await readdir(layersDir(root))).toEqual([]);
  });

  it('keeps the layers a live process recorded as earlier versions did (<id>.json beside the snapshot)', async () => {
    const [a, b] = [await unpacked('a'), await unpacked('b')];
    const id = `${currentOwner()}.0123456789ab`;
    await mkdir(join(activeDir(root), id), { recursive: true });
    await writeFile(join(activeDir(root), `${id}.json`), JSON.stringify({ version: 1, id, lowerDirs: [a] }));
    expect(await pruneUnpackedLayers(root)).toMatchObject({ removed: 1, kept: 1 });
    expect(await readdir(layersDir(root))).toEqual(['a'.repeat(64)]);
    expect(b).not.toBe(a);
  });

  it.each([
    ['a layer being unpacked (temp name)', `${'e'.repeat(64)}.tmp.1-1.abc`],
    ['something that is not a layer', 'notes'],
  ])('leaves %s alone', async (_name, entry) => {
    await mkdir(join(layersDir(root), entry), { recursive: true });
    expect(await pruneUnpackedLayers(root)).toEqual({ removed: 0, kept: 0, freedBytes: 0 });
    expect(await readdir(layersDir(root))).toEqual([entry]);
  });

  it('does nothing in a root that never unpacked a layer', async () => {
    expect(await pruneUnpackedLayers(root)).toEqual({ removed: 0, kept: 0, freedBytes: 0 });
  });
});
