import { describe, expect, it } from 'vitest';
import { adviseImage } from './advice.js';
import type { Advice, AdviceInput } from './advice-types.js';
import { devPathsFromLockfile, devPathsFromManifest } from './advice-node.js';
import { commonDirectory } from './advice-layers.js';
import { readImageFileSystem } from './filesystem.js';
import { content, file, syntheticImage, text, whiteout } from './testing/synthetic-image.js';
import type { SyntheticLayer } from './testing/synthetic-image.js';
import type { ImageFileSystem } from './types.js';

const LOCK = JSON.stringify({
  name: 'app',
  lockfileVersion: 3,
  packages: {
    '': { name: 'app', dependencies: { express: '^4' }, devDependencies: { typescript: '^5', jest: '^29' } },
    'node_modules/express': { version: '4.0.0' },
    'node_modules/typescript': { version: '5.0.0', dev: true },
    'node_modules/jest': { version: '29.0.0', dev: true },
    'node_modules/jest/node_modules/pretty': { version: '1.0.0', dev: true },
    'node_modules/jest-cli': { version: '29.0.0', dev: true },
    'node_modules/not-installed': { version: '1.0.0', dev: true },
  },
});
const MANIFEST = JSON.stringify({ name: 'app', dependencies: { express: '^4' }, devDependencies: { typescript: '^5', jest: '^29' } });

const BIG = content(400_000, 'big');

function layers(withLock: boolean): SyntheticLayer[] {
  return [
    { createdBy: 'debootstrap', entries: [file('usr/share/doc/base/README', 300_000), file('var/lib/apt/lists/base_Packages', 100_000), file('bin/sh', 1000)] },
    {
      createdBy: '/bin/sh -c apt-get update && apt-get install -y curl',
      entries: [file('var/lib/apt/lists/deb_Packages', 300_000), file('var/cache/apt/archives/curl.deb', 200_000), file('usr/bin/curl', 50_000), file('opt/sdk.tar', 600_000), file('etc/app.conf', 200_000, 'v1')],
    },
    {
      createdBy: 'COPY . /app',
      entries: [text('app/package.json', MANIFEST), ...(withLock ? [text('app/package-lock.json', LOCK)] : []), { name: 'app/data/big.bin', content: BIG }],
    },
    {
      createdBy: '/bin/sh -c npm ci',
      entries: [
        file('app/node_modules/express/index.js', 100_000),
        file('app/node_modules/typescript/lib/tsc.js', 500_000),
        file('app/node_modules/jest/index.js', 150_000),
        file('app/node_modules/jest/node_modules/pretty/index.js', 20_000),
        file('app/node_modules/jest-cli/bin.js', 80_000),
        file('root/.npm/_cacache/content/x', 250_000),
        file('root/.cache/pip/wheels/a.whl', 120_000),
        file('tmp/build.log', 130_000),
        file('etc/app.conf', 200_000, 'v2'),
      ],
    },
    { createdBy: '/bin/sh -c cp /app/data/big.bin /srv/', entries: [{ name: 'srv/big.bin', content: BIG }] },
    { createdBy: '/bin/sh -c rm -rf /opt/sdk.tar /usr/share/doc', entries: [whiteout('opt/sdk.tar'), whiteout('usr/share/doc')] },
    { createdBy: '/bin/sh -c chmod -R 755 /srv', entries: [{ name: 'srv/big.bin', content: BIG }] },
  ];
}

async function fsOf(withLock: boolean): Promise<ImageFileSystem> {
  return readImageFileSystem(await syntheticImage(layers(withLock)), { hash: true });
}

function brief(list: readonly Advice[]): Array<[string, string, number | undefined, number]> {
  return list.map((a) => [a.kind, a.path, a.layer, a.bytes]);
}

describe('advice', () => {
  it('finds every kind of waste in a synthetic image, biggest saving first', async () => {
    const fs = await fsOf(true);
    const input: AdviceInput = { fs, base: { name: 'node:18', layers: 1 }, slim: { name: 'node:18-slim', totalBytes: 1000 }, workingDir: '/app' };
    expect(brief(adviseImage(input))).toEqual([
      ['duplicate-content', '/srv/big.bin', 6, 800_000],
      ['dev-dependencies', '/app/node_modules', 3, 750_000],
      ['deleted-later', '/', 1, 600_000],
      ['slim-base', '/', 0, 400_000],
      ['package-cache', '/var/lib/apt/lists', 1, 300_000],
      ['package-cache', '/root/.npm', 3, 250_000],
      ['overwritten-later', '/etc/app.conf', 1, 200_000],
      ['package-cache', '/var/cache/apt', 1, 200_000],
      ['package-cache', '/tmp/build.log', 3, 130_000],
      ['package-cache', '/root/.cache/pip', 3, 120_000],
    ]);
  });

  it('names the dev packages, the layer and the fix', async () => {
    const advice = adviseImage({ fs: await fsOf(true), base: { name: 'node:18', layers: 1 } }).find((a) => a.kind === 'dev-dependencies');
    expect(advice?.title).toBe('3 development packages in /app/node_modules');
    expect(advice?.createdBy).toBe('/bin/sh -c npm ci');
    expect(advice?.items).toEqual([
      { name: 'typescript', bytes: 500_000 },
      { name: 'jest', bytes: 170_000 },
      { name: 'jest-cli', bytes: 80_000 },
    ]);
    expect(advice?.fix).toContain('npm ci --omit=dev');
  });

  it('without a lockfile, counts the direct devDependencies only and says so', async () => {
    const advice = adviseImage({ fs: await fsOf(false), base: { name: 'node:18', layers: 1 } }).find((a) => a.kind === 'dev-dependencies');
    expect(advice?.bytes).toBe(670_000);
    expect(advice?.title).toContain('no lockfile');
  });

  it('points at the Dockerfile line that installs devDependencies', async () => {
    const advice = adviseImage({
      fs: await fsOf(true),
      dockerfile: { file: 'Dockerfile', finalBase: 'node:18', finalFromLine: 1, devInstalls: [{ line: 4, command: 'npm ci' }] },
    }).find((a) => a.kind === 'dev-dependencies');
    expect(advice?.line).toBe(4);
    expect(advice?.fix).toMatch(/^line 4 runs `npm ci`/);
  });

  it('says a delete of base files saves nothing, and leaves the base caches alone', async () => {
    const fs = await readImageFileSystem(
      await syntheticImage([
        { createdBy: 'base', entries: [file('usr/share/doc/x', 300_000), file('var/lib/apt/lists/p', 500_000)] },
        { createdBy: 'rm', entries: [whiteout('usr/share/doc')] },
      ]),
    );
    expect(brief(adviseImage({ fs, base: { name: 'debian', layers: 1 } }))).toEqual([['deleted-later', '/usr/share/doc', 0, 0]]);
    expect(adviseImage({ fs, base: { name: 'debian', layers: 1 } })[0]?.fix).toContain('does not make the image smaller');
    // Without a known base, every layer is the image's own.
    expect(brief(adviseImage({ fs }))).toEqual([
      ['package-cache', '/var/lib/apt/lists', 0, 500_000],
      ['deleted-later', '/usr/share/doc', 0, 300_000],
    ]);
  });

  it('leaves out savings under the threshold and duplicates when files were not hashed', async () => {
    const fs = await readImageFileSystem(await syntheticImage(layers(true)));
    const kinds = adviseImage({ fs, base: { name: 'node:18', layers: 1 }, minBytes: 250_000 }).map((a) => a.kind);
    expect(kinds).toEqual(['dev-dependencies', 'deleted-later', 'overwritten-later', 'package-cache', 'package-cache']);
  });
});

describe('lockfiles and manifests', () => {
  it.each([
    ['v3 packages', { lockfileVersion: 3, packages: { '': {}, 'node_modules/a': { dev: true }, 'node_modules/b': {}, 'node_modules/c': { devOptional: true } } }, ['node_modules/a']],
    ['v1 dependencies, nested', { lockfileVersion: 1, dependencies: { a: { dev: true, dependencies: { x: { dev: true } } }, b: { dependencies: { y: {} } } } }, ['node_modules/a', 'node_modules/a/node_modules/x']],
    ['not a lockfile', 'oops', undefined],
  ])('%s', (_name, lock, expected) => {
    expect(devPathsFromLockfile(lock)).toEqual(expected);
  });

  it('takes devDependencies that are not also dependencies', () => {
    expect(devPathsFromManifest({ dependencies: { a: '1' }, devDependencies: { a: '1', '@types/node': '20' } })).toEqual(['node_modules/@types/node']);
    expect(devPathsFromManifest({})).toEqual([]);
  });

  it.each([
    [['/a/b/c', '/a/b/d/e'], '/a/b'],
    [['/x/y'], '/x/y'],
    [['/x/y', '/x/y'], '/x/y'],
    [['/x/y', '/z'], '/'],
  ])('common directory of %j is %s', (paths, dir) => {
    expect(commonDirectory(paths)).toBe(dir);
  });
});
