import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { layerFromTarFile } from '../image/index.js';
import { toDigest } from '../oci/index.js';
import { spawnTsChild, waitForChild } from '../store/testing/spawn-child.js';
import { layersDir } from './layout.js';
import { describeTree, FIXED_MTIME, isRoot, layerFromSpecs } from './testing/fixtures.js';
import type { EntrySpec } from './testing/fixtures.js';
import { unpackLayer } from './unpack-layer.js';

let work: string;
let root: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'sc-unpack-'));
  root = join(work, 'root');
  await mkdir(root);
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

if (!isRoot) console.warn('snapshot unpack tests need root (mknod, chown, trusted.* xattrs): skipped');

const CAP = Buffer.from('0100000280000000000000000000000000000000', 'hex'); // a byte >= 0x80: not valid UTF-8

async function unpack(specs: readonly EntrySpec[], name = 'layer.tar'): Promise<string> {
  return unpackLayer({ root }, await layerFromSpecs(join(work, name), specs));
}

describe.runIf(isRoot)('unpackLayer', () => {
  it('keeps modes, owners, links, devices, xattrs and names; converts whiteouts to overlayfs ones', async () => {
    const dir = await unpack([
      { path: 'bin', type: 'directory' },
      { path: 'bin/tool', content: 'tool', mode: 0o4755 },
      { path: 'bin/tool-link', type: 'hardlink', target: 'bin/tool' },
      { path: 'bin/sh', type: 'symlink', target: '/bin/bash' },
      { path: 'bin/ping', content: 'ping', xattrs: { 'security.capability': CAP } },
      { path: 'tmp', type: 'directory', mode: 0o1777 },
      { path: 'home/user/.profile', content: 'export A=1', uid: 1000, gid: 1000, mode: 0o600 },
      { path: 'dev/null', type: 'char', major: 1, minor: 3, mode: 0o666 },
      { path: 'dev/sda', type: 'block', major: 8, minor: 0, mode: 0o660, gid: 6 },
      { path: 'run/fifo', type: 'fifo', mode: 0o600 },
      { path: 'data/héllo wörld', content: 'unicode', xattrs: { 'user.note': Buffer.from('hi') } },
      { path: `data/${'d'.repeat(150)}`, content: 'long' },
      { path: 'etc/.wh.gone', content: '' },
      { path: 'var/lib/', type: 'directory' },
      { path: 'var/lib/.wh..wh..opq', content: '' },
      { path: 'var/lib/new', content: 'new' },
    ]);
    expect(dir).toBe(join(layersDir(root), (await layerFromTarFile(join(work, 'layer.tar'), { compression: 'none' }).diffId()).slice(7), 'fs'));
    expect(await describeTree(dir, { overlayXattrs: true, mtimes: true })).toEqual([
      'bin d 755 0:0',
      `bin/ping f 644 0:0 4 ${hash('ping')} t=${FIXED_MTIME} security.capability=${CAP.toString('hex')}`,
      `bin/sh l 777 0:0 -> /bin/bash t=${FIXED_MTIME}`,
      `bin/tool f 4755 0:0 4 ${hash('tool')} links=2 t=${FIXED_MTIME}`,
      `bin/tool-link f 4755 0:0 4 ${hash('tool')} links=2 t=${FIXED_MTIME}`,
      'data d 755 0:0',
      `data/${'d'.repeat(150)} f 644 0:0 4 ${hash('long')} t=${FIXED_MTIME}`,
      `data/héllo wörld f 644 0:0 7 ${hash('unicode')} t=${FIXED_MTIME} user.note=6869`,
      'dev d 755 0:0',
      `dev/null c 666 0:0 1,3 t=${FIXED_MTIME}`,
      `dev/sda b 660 0:6 8,0 t=${FIXED_MTIME}`,
      'etc d 755 0:0',
      expect.stringMatching(/^etc\/gone c 0 0:0 0,0 t=\d+$/),
      'home d 755 0:0',
      'home/user d 755 0:0',
      `home/user/.profile f 600 1000:1000 10 ${hash('export A=1')} t=${FIXED_MTIME}`,
      'run d 755 0:0',
      `run/fifo p 600 0:0 t=${FIXED_MTIME}`,
      'tmp d 1777 0:0',
      'var d 755 0:0',
      'var/lib d 755 0:0 trusted.overlay.opaque=79',
      `var/lib/new f 644 0:0 3 ${hash('new')} t=${FIXED_MTIME}`,
    ]);
  });

  const orderCases: Array<{ name: string; specs: EntrySpec[]; expected: string[] }> = [
    {
      name: 'a later file replaces an earlier one',
      specs: [{ path: 'a', content: 'one' }, { path: 'a', content: 'two', mode: 0o600 }],
      expected: [`a f 600 0:0 3 ${hash('two')}`],
    },
    {
      name: 'a directory replaces a file, a file replaces a directory',
      specs: [
        { path: 'x', content: 'file' },
        { path: 'x', type: 'directory' },
        { path: 'x/inner', content: 'in' },
        { path: 'y/deep/file', content: 'deep' },
        { path: 'y', content: 'now a file' },
      ],
      expected: ['x d 755 0:0', `x/inner f 644 0:0 2 ${hash('in')}`, `y f 644 0:0 10 ${hash('now a file')}`],
    },
    {
      name: 'a whiteout then a directory of that name: the directory is opaque',
      specs: [{ path: '.wh.d' }, { path: 'd', type: 'directory' }, { path: 'd/f', content: 'f' }],
      expected: ['d d 755 0:0 trusted.overlay.opaque=79', `d/f f 644 0:0 1 ${hash('f')}`],
    },
    {
      name: 'a whiteout then a file below that name: an opaque implied directory',
      specs: [{ path: '.wh.d' }, { path: 'd/f', content: 'f' }],
      expected: ['d d 755 0:0 trusted.overlay.opaque=79', `d/f f 644 0:0 1 ${hash('f')}`],
    },
    {
      name: 'a file then its whiteout: only the whiteout stays',
      specs: [{ path: 'f', content: 'f' }, { path: '.wh.f' }],
      expected: ['f c 0 0:0 0,0'],
    },
    {
      name: 'an opaque marker after the directory\'s own entries keeps them',
      specs: [{ path: 'd/f', content: 'f' }, { path: 'd/.wh..wh..opq' }],
      expected: ['d d 755 0:0 trusted.overlay.opaque=79', `d/f f 644 0:0 1 ${hash('f')}`],
    },
    {
      name: 'AUFS metadata is skipped; the root entry sets the root\'s mode',
      specs: [{ path: './', type: 'directory', mode: 0o750 }, { path: '.wh..wh.plnk/123', content: 'x' }, { path: 'a', content: 'a' }],
      expected: [`a f 644 0:0 1 ${hash('a')}`],
    },
  ];
  it.each(orderCases)('$name', async ({ specs, expected }) => {
    const dir = await unpack(specs);
    expect(await describeTree(dir, { overlayXattrs: true })).toEqual(expected);
  });

  it('refuses an entry below a path the layer made a file (as docker does: ENOTDIR)', async () => {
    await expect(unpack([{ path: 'x', content: 'file' }, { path: 'x/inner', content: 'in' }])).rejects.toMatchObject({
      code: 'INVALID_ARCHIVE',
      message: expect.stringContaining('"x/inner" needs "x" to be a directory') as unknown,
    });
    expect(await readdir(layersDir(root))).toEqual([]);
  });

  it('gives the root directory the mode of a root entry, 0755 otherwise', async () => {
    const withRoot = await unpack([{ path: './', type: 'directory', mode: 0o750 }, { path: 'a', content: 'a' }], 'one.tar');
    const without = await unpack([{ path: 'b', content: 'b' }], 'two.tar');
    expect(spawnSync('stat', ['-c', '%a', withRoot, without], { encoding: 'utf8' }).stdout.split('\n').slice(0, 2)).toEqual(['750', '755']);
  });

  it('unpacks once: the second call returns the cached directory without reading the layer', async () => {
    const layer = await layerFromSpecs(join(work, 'layer.tar'), [{ path: 'a', content: 'a' }]);
    const first = await unpackLayer({ root }, layer);
    await writeFile(join(first, 'marker'), 'kept');
    await rm(join(work, 'layer.tar'));
    const second = await unpackLayer({ root }, layer);
    expect(second).toBe(first);
    expect(await readFile(join(second, 'marker'), 'utf8')).toBe('kept');
  });

  it('refuses a layer whose content does not match its DiffID, leaving nothing', async () => {
    await layerFromSpecs(join(work, 'layer.tar'), [{ path: 'a', content: 'a' }]);
    const wrong = toDigest(`sha256:${'ab'.repeat(32)}`);
    const layer = layerFromTarFile(join(work, 'layer.tar'), { compression: 'none', diffId: wrong });
    await expect(unpackLayer({ root }, layer)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await readdir(layersDir(root))).toEqual([]);
  });

  it('refuses a truncated tar, leaving nothing', async () => {
    await layerFromSpecs(join(work, 'full.tar'), [{ path: 'a', content: 'x'.repeat(5000) }, { path: 'b', content: 'b' }]);
    const bytes = await readFile(join(work, 'full.tar'));
    await writeFile(join(work, 'cut.tar'), bytes.subarray(0, 2048));
    await expect(unpackLayer({ root }, layerFromTarFile(join(work, 'cut.tar'), { compression: 'none' }))).rejects.toMatchObject({
      code: 'INVALID_ARCHIVE',
    });
    expect(await readdir(layersDir(root))).toEqual([]);
  });

  it('stops when aborted, leaving nothing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const layer = await layerFromSpecs(join(work, 'layer.tar'), [{ path: 'a', content: 'a' }]);
    await expect(unpackLayer({ root }, layer, { signal: controller.signal })).rejects.toThrow('cancelled');
    expect(existsSync(layersDir(root)) ? await readdir(layersDir(root)) : []).toEqual([]);
  });

  it('two processes unpacking the same layer both succeed, with one directory left', async () => {
    const specs: EntrySpec[] = [];
    for (let i = 0; i < 400; i++) specs.push({ path: `d${i % 20}/f${i}`, content: `content ${i}`.repeat(50) });
    specs.push({ path: '.wh.gone' });
    await layerFromSpecs(join(work, 'layer.tar'), specs);
    const children = [0, 1].map(() => waitForChild(spawnTsChild('../../snapshot/testing/child-unpack.ts', [root, join(work, 'layer.tar')])));
    const results = await Promise.all(children);
    for (const result of results) expect(result).toMatchObject({ code: 0, stderr: '' });
    const dirs = results.map((r) => r.stdout.trim());
    expect(dirs[0]).toBe(dirs[1]);
    expect(await readdir(layersDir(root))).toHaveLength(1); // no temp dirs left
    expect(await describeTree(dirs[0] ?? '')).toHaveLength(400 + 20 + 1);
  });
});

function hash(content: string): string {
  return spawnSync('sha256sum', { input: content, encoding: 'utf8' }).stdout.slice(0, 8);
}

