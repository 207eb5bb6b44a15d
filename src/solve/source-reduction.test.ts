import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDigest } from '../oci/index.js';
import { baseCacheKey, stepCacheKey } from './cache-key.js';
import type { CacheKey } from './cache-key.js';
import type { FsLayer, FsState } from './session.js';
import { literalComponents, reduceForPaths } from './source-reduction.js';

const canSetTrusted = typeof process.getuid === 'function' && process.getuid() === 0 && spawnSync('sh', ['-c', 'command -v setfattr getfattr']).status === 0;

describe('literalComponents', () => {
  it.each([
    ['/app/node_modules', ['app', 'node_modules']],
    ['app/./x/', ['app', 'x']],
    ['/app/*.js', ['app']],
    ['/a/b/../c', ['a', 'c']],
    ['/[ab]/x', []],
    ['/', []],
  ])('%s', (pattern, parts) => {
    expect(literalComponents(pattern)).toEqual(parts);
  });
});

describe('reduceForPaths: leaving out the top layers that do not touch the copied paths', () => {
  let root: string;
  const layer = (dir: string, below: CacheKey | undefined, n: number): FsLayer => ({
    diffId: toDigest(`sha256:${String(n).repeat(64).slice(0, 64)}`),
    size: 0,
    layer: undefined as never,
    dir,
    ...(below !== undefined ? { below } : {}),
  });
  const key = (name: string): CacheKey => stepCacheKey(baseCacheKey({ kind: 'scratch', platform: name }), { kind: 'user', user: name }, { workdir: '/', inputs: [] });
  let base: FsLayer;
  let modules: FsLayer;
  let appOnly: FsLayer;

  async function layerDir(name: string, files: Record<string, string | null>): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      if (text === null) await mkdir(join(dir, path), { recursive: true });
      else await writeFile(join(dir, path), text);
    }
    return dir;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'reduce-'));
    base = layer(await layerDir('base', { 'usr/bin/node': 'x', app: null }), undefined, 1);
    modules = layer(await layerDir('modules', { 'app/node_modules/express/index.js': 'e', 'app/package.json': '{}' }), key('k1'), 2);
    appOnly = layer(await layerDir('app', { 'app/app.js': 'v2', 'app/Dockerfile': 'FROM x' }), key('k2'), 3);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const dirOf = (l: FsLayer): Promise<string> => Promise.resolve(l.dir ?? '');
  const fs = (layers: FsLayer[], name: string): FsState => ({ key: key(name), layers });

  it('node_modules is found below a layer that only changed app.js', async () => {
    const top = fs([base, modules, appOnly], 'top');
    const reduced = await reduceForPaths(top, ['/app/node_modules'], dirOf);
    expect(reduced.key).toBe(appOnly.below);
    expect(reduced.layers).toEqual([base, modules]);
  });

  it('app.js is touched by the top layer: nothing left out', async () => {
    const top = fs([base, modules, appOnly], 'top');
    expect(await reduceForPaths(top, ['/app/app.js'], dirOf)).toBe(top);
    expect(await reduceForPaths(top, ['/app/node_modules', '/app/app.js'], dirOf)).toBe(top);
    expect(await reduceForPaths(top, ['/app/*.js'], dirOf)).toBe(top);
    expect(await reduceForPaths(top, ['/'], dirOf)).toBe(top);
  });

  it('never leaves out base image layers', async () => {
    const top = fs([base, modules, appOnly], 'top');
    const reduced = await reduceForPaths(top, ['/usr/bin/node'], dirOf);
    expect(reduced.layers).toEqual([base]);
    expect(reduced.key).toBe(modules.below);
  });

  it('a layer that replaced a parent with a file, or a symlink on the way, keeps everything', async () => {
    const replaced = layer(await layerDir('replaced', { app: 'now a file' }), key('k3'), 4);
    const top = fs([base, modules, replaced], 'replaced');
    expect(await reduceForPaths(top, ['/app/node_modules'], dirOf)).toBe(top);
    const linked = layer(await layerDir('linked', {}), key('k4'), 5);
    await symlink('/srv', join(linked.dir ?? '', 'app'));
    const viaLink = fs([base, modules, linked], 'linked');
    expect(await reduceForPaths(viaLink, ['/app/node_modules'], dirOf)).toBe(viaLink);
  });

  it.skipIf(!canSetTrusted)('an opaque directory above the path (rm -rf and mkdir in one step) keeps the layer', async () => {
    const opaque = layer(await layerDir('opaque', { 'app/other': 'x' }), key('k5'), 6);
    spawnSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(opaque.dir ?? '', 'app')]);
    const top = fs([base, modules, opaque], 'opaque');
    expect(await reduceForPaths(top, ['/app/node_modules'], dirOf)).toBe(top);
  });
});
