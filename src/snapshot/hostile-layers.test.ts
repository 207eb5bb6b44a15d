import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { layersDir } from './layout.js';
import { describeTree, isRoot, layerFromSpecs } from './testing/fixtures.js';
import type { EntrySpec } from './testing/fixtures.js';
import { unpackLayer } from './unpack-layer.js';
import { readXattrs } from './xattrs.js';

// Each case is a layer that tries to write outside the directory it is unpacked into. `OUT` in a
// path stands for a directory beside the store (absolute), `REL` for the relative way up to it.
let work: string;
let root: string;
let outside: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'sc-hostile-'));
  root = join(work, 'root');
  outside = join(work, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'secret'), 'untouched');
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const absoluteName = `/tmp/stagecraft-hostile-${randomBytes(6).toString('hex')}`;

interface HostileCase {
  readonly name: string;
  readonly specs: (out: string) => EntrySpec[];
  readonly problem: RegExp;
}

const cases: HostileCase[] = [
  { name: '../ in a name', specs: () => [{ path: '../outside/x', content: 'x' }], problem: /climbs out of the layer/ },
  { name: 'a deep ../ escape', specs: () => [{ path: 'a/b/../../../outside/x', content: 'x' }], problem: /climbs out of the layer/ },
  { name: 'an absolute name', specs: () => [{ path: `${absoluteName}/x`, content: 'x' }], problem: /absolute path/ },
  { name: 'an absolute name under /etc', specs: () => [{ path: '/etc/stagecraft-hostile', content: 'x' }], problem: /absolute path/ },
  {
    name: 'a symlink to an absolute dir, then a file through it',
    specs: (out) => [{ path: 'evil', type: 'symlink', target: out }, { path: 'evil/x', content: 'x' }],
    problem: /written through the symlink "evil"/,
  },
  {
    name: 'a relative symlink climbing out, then a file through it',
    specs: () => [{ path: 'a/evil', type: 'symlink', target: '../../../outside' }, { path: 'a/evil/x', content: 'x' }],
    problem: /written through the symlink "a\/evil"/,
  },
  {
    name: 'a symlink, then a directory through it',
    specs: (out) => [{ path: 'evil', type: 'symlink', target: out }, { path: 'evil/sub/', type: 'directory' }],
    problem: /written through the symlink/,
  },
  {
    name: 'a symlink, then a whiteout through it',
    specs: (out) => [{ path: 'evil', type: 'symlink', target: out }, { path: 'evil/.wh.secret' }],
    problem: /written through the symlink/,
  },
  {
    name: 'a symlink, then an opaque marker through it',
    specs: (out) => [{ path: 'evil', type: 'symlink', target: out }, { path: 'evil/.wh..wh..opq' }],
    problem: /written through the symlink/,
  },
  {
    name: 'a symlink, then a device through it',
    specs: (out) => [{ path: 'evil', type: 'symlink', target: out }, { path: 'evil/null', type: 'char', major: 1, minor: 3 }],
    problem: /written through the symlink/,
  },
  {
    name: 'a hard link to a relative path outside',
    specs: () => [{ path: 'h', type: 'hardlink', target: '../outside/secret' }],
    problem: /hard link to a path that climbs out/,
  },
  {
    name: 'a hard link to an absolute path',
    specs: (out) => [{ path: 'h', type: 'hardlink', target: join(out, 'secret') }],
    problem: /hard link to an absolute path/,
  },
  {
    name: 'a hard link through a symlink',
    specs: (out) => [{ path: 'evil', type: 'symlink', target: out }, { path: 'h', type: 'hardlink', target: 'evil/secret' }],
    problem: /hard link through the symlink "evil"/,
  },
  { name: 'a whiteout of ".."', specs: () => [{ path: 'a/.wh...' }], problem: /whiteout of "\." or "\.\."/ },
];

if (!isRoot) console.warn('hostile layer tests need root (unpacking sets owners and devices): skipped');

describe.runIf(isRoot)('unpackLayer refuses layers that reach outside their directory', () => {
  it.each(cases)('$name', async ({ specs, problem }) => {
    const layer = await layerFromSpecs(join(work, 'evil.tar'), [{ path: 'ok', content: 'fine' }, ...specs(outside)]);
    const diffId = await layer.diffId();
    const failure = unpackLayer({ root }, layer);
    await expect(failure).rejects.toMatchObject({ code: 'UNSAFE_LAYER_PATH', message: expect.stringMatching(problem) as unknown });
    await expect(failure).rejects.toThrow(diffId); // the error names the layer
    // nothing was left in the cache, and nothing was written outside
    expect(await readdir(layersDir(root))).toEqual([]);
    expect(await readdir(outside)).toEqual(['secret']);
    expect(await readFile(join(outside, 'secret'), 'utf8')).toBe('untouched');
    expect(existsSync(absoluteName)).toBe(false);
    expect(existsSync('/etc/stagecraft-hostile')).toBe(false);
  });

  it('never follows a symlink that replaced a directory the batch steps still had work in', async () => {
    // d/f gets an xattr and d/g is a device (both set in the batch at the end); then d becomes a
    // symlink to the outside directory: the batch must not act through it.
    const layer = await layerFromSpecs(join(work, 'swap.tar'), [
      { path: 'd/secret', content: 'in', xattrs: { 'user.evil': Buffer.from('1') } },
      { path: 'd/null', type: 'char', major: 1, minor: 3 },
      { path: 'd/.wh.x' },
      { path: 'd', type: 'symlink', target: outside },
    ]);
    const dir = await unpackLayer({ root }, layer);
    expect(await describeTree(dir)).toEqual([`d l 777 0:0 -> ${outside}`]);
    expect(await readdir(outside)).toEqual(['secret']);
    expect((await readXattrs(outside)).table.get('secret')?.has('user.evil') ?? false).toBe(false);
  });

  it('creates symlinks pointing anywhere (they are never followed while unpacking)', async () => {
    const layer = await layerFromSpecs(join(work, 'links.tar'), [
      { path: 'abs', type: 'symlink', target: '/etc/passwd' },
      { path: 'up', type: 'symlink', target: '../../../../etc' },
      { path: 'abs', content: 'replaces the symlink, not its target' },
    ]);
    const dir = await unpackLayer({ root }, layer);
    expect((await describeTree(dir)).map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['abs f', 'up l']);
  });
});
