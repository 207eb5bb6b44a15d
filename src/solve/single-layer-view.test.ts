import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDigest } from '../oci/index.js';
import { baseCacheKey } from './cache-key.js';
import type { FsLayer, FsState } from './session.js';
import { singleLayerRoot } from './single-layer-view.js';

describe('singleLayerRoot: when a COPY --from can read one unpacked layer instead of a mounted stage', () => {
  let root: string;
  const layers = new Map<string, FsLayer>();

  /** A layer dir: `path: text` files, `path/: null` directories, `path: '->target'` symlinks. */
  async function makeLayer(name: string, files: Record<string, string | null>): Promise<void> {
    const dir = join(root, name);
    await mkdir(dir);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      if (text === null) await mkdir(join(dir, path), { recursive: true });
      else if (text.startsWith('->')) await symlink(text.slice(2), join(dir, path));
      else await writeFile(join(dir, path), text);
    }
    layers.set(name, { diffId: toDigest(`sha256:${String(layers.size + 1).repeat(64).slice(0, 64)}`), size: 0, layer: undefined as never, dir });
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'single-layer-'));
    await makeLayer('base', { 'usr/bin/node': 'node', 'etc/': null, 'app/': null, 'lib': '->usr/lib', 'usr/lib/x': 'x' });
    await makeLayer('modules', { 'app/node_modules/express/index.js': 'e', 'app/package.json': '{}', 'data/a': 'a' });
    await makeLayer('app', { 'app/app.js': 'v2' });
    await makeLayer('etc', { 'etc/extra/conf': 'c' });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const dirOf = (l: FsLayer): Promise<string> => Promise.resolve(l.dir ?? '');
  const stack = (...names: string[]): FsState => ({
    key: baseCacheKey({ kind: 'scratch', platform: names.join('+') }),
    layers: names.map((n) => layers.get(n) as FsLayer),
  });

  it.each<[string, string[], string[], boolean, string | undefined]>([
    ['a file in the top layer', ['base', 'modules', 'app'], ['/app/app.js'], false, 'app'],
    ['a directory only its layer has', ['base', 'modules'], ['/app/node_modules'], false, 'modules'],
    ['two sources in the same layer', ['base', 'modules'], ['/app/node_modules', 'app/package.json'], false, 'modules'],
    ['a directory a lower layer also has (merged)', ['base', 'etc'], ['/etc'], false, undefined],
    ['a nested directory no lower layer has', ['base', 'etc'], ['/etc/extra'], false, 'etc'],
    ['a layer above holds the first component (it may hide or replace it)', ['base', 'modules', 'app'], ['/app/node_modules'], false, undefined],
    ['sources in two layers', ['base', 'modules', 'app'], ['/app/app.js', '/data/a'], false, undefined],
    ['a wildcard (the directory is merged from all layers)', ['base', 'modules', 'app'], ['/app/*.js'], false, undefined],
    ['--parents (the parents come from every layer)', ['base', 'modules', 'app'], ['/app/app.js'], true, undefined],
    ['a symlink on the way', ['base', 'modules'], ['/lib/x'], false, undefined],
    ['a path no layer has', ['base', 'modules'], ['/nope'], false, undefined],
    ['the root', ['base', 'modules'], ['/'], false, undefined],
  ])('%s', async (_name, names, patterns, parents, expected) => {
    const found = await singleLayerRoot(stack(...names), patterns, { parents }, dirOf);
    expect(found).toBe(expected === undefined ? undefined : layers.get(expected)?.dir);
  });
});
