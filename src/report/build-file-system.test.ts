import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDigest } from '../oci/index.js';
import { createFileSystemBuilder } from './build-file-system.js';
import { findNode, walkTree } from './file-tree.js';
import { readImageFileSystem } from './filesystem.js';
import { dir, file, opaque, syntheticImage, whiteout } from './testing/synthetic-image.js';
import type { SyntheticLayer } from './testing/synthetic-image.js';
import type { ImageFileSystem, LayerEntry } from './types.js';

async function build(layers: readonly SyntheticLayer[]): Promise<ImageFileSystem> {
  return readImageFileSystem(await syntheticImage(layers));
}

/** Every non-directory path of the final view with its size and writing layer. */
function files(fs: ImageFileSystem): Record<string, string> {
  const out: Record<string, string> = {};
  walkTree(fs.root, (n) => {
    if (n.kind !== 'dir') out[n.path] = `${n.kind} ${String(n.size)} @${String(n.layer)}`;
  });
  return out;
}

function checkAccounting(fs: ImageFileSystem): void {
  for (const layer of fs.layers) expect(layer.addedBytes).toBe(layer.visibleBytes + layer.wastedBytes);
  expect(fs.totalBytes).toBe(fs.layers.reduce((s, l) => s + l.visibleBytes, 0));
  expect(fs.addedBytes - fs.wastedBytes).toBe(fs.totalBytes);
}

describe('the file tree model of an image', () => {
  const cases: ReadonlyArray<{ name: string; layers: SyntheticLayer[]; files: Record<string, string>; wasted: number; removed: string[] }> = [
    {
      name: 'files of two layers, parents made when the tar has none',
      layers: [
        { createdBy: 'base', entries: [dir('etc'), file('etc/a', 100)] },
        { createdBy: 'app', entries: [file('app/deep/b.js', 40)] },
      ],
      files: { '/etc/a': 'file 100 @0', '/app/deep/b.js': 'file 40 @1' },
      wasted: 0,
      removed: [],
    },
    {
      name: 'a file overwritten in a later layer',
      layers: [
        { createdBy: 'base', entries: [file('etc/a', 100)] },
        { createdBy: 'edit', entries: [file('etc/a', 30, 'new')] },
      ],
      files: { '/etc/a': 'file 30 @1' },
      wasted: 100,
      removed: ['overwritten /etc/a 100 by 1'],
    },
    {
      name: 'a whiteout deletes a file',
      layers: [
        { createdBy: 'base', entries: [file('tmp/big', 5000), file('tmp/keep', 10)] },
        { createdBy: 'rm', entries: [whiteout('tmp/big')] },
      ],
      files: { '/tmp/keep': 'file 10 @0' },
      wasted: 5000,
      removed: ['whiteout /tmp/big 5000 by 1'],
    },
    {
      name: 'a whiteout deletes a directory written by two layers',
      layers: [
        { createdBy: 'one', entries: [file('cache/a', 100), file('cache/sub/b', 200)] },
        { createdBy: 'two', entries: [file('cache/c', 300)] },
        { createdBy: 'rm', entries: [whiteout('cache')] },
      ],
      files: {},
      wasted: 600,
      removed: ['whiteout /cache 600 by 2'],
    },
    {
      name: 'an opaque directory hides lower layers but keeps its own layer, wherever the marker sits in the tar',
      layers: [
        { createdBy: 'one', entries: [file('d/old1', 100), file('d/sub/old2', 50), file('other', 7)] },
        { createdBy: 'two', entries: [file('d/new', 20), opaque('d')] },
      ],
      files: { '/d/new': 'file 20 @1', '/other': 'file 7 @0' },
      wasted: 150,
      removed: ['opaque /d 150 by 1'],
    },
    {
      name: 'a whiteout only hides lower layers: the same layer may write the path again',
      layers: [
        { createdBy: 'one', entries: [file('x', 100)] },
        { createdBy: 'two', entries: [file('x', 60, 'again'), whiteout('x')] },
      ],
      files: { '/x': 'file 60 @1' },
      wasted: 100,
      removed: ['whiteout /x 100 by 1'],
    },
    {
      name: 'a file replaces a directory, a directory replaces a file',
      layers: [
        { createdBy: 'one', entries: [file('p/a', 10), file('p/b', 20), file('q', 5)] },
        { createdBy: 'two', entries: [file('p', 1), dir('q'), file('q/z', 2)] },
      ],
      files: { '/p': 'file 1 @1', '/q/z': 'file 2 @1' },
      wasted: 35,
      removed: ['overwritten /p 30 by 1', 'overwritten /q 5 by 1'],
    },
    {
      name: 'paths through a symlinked directory land in its target (merged /usr)',
      layers: [
        { createdBy: 'base', entries: [dir('usr/bin'), { name: 'bin', type: 'symlink', linkname: 'usr/bin' }, file('usr/bin/sh', 100)] },
        { createdBy: 'tools', entries: [file('bin/tool', 50), whiteout('bin/sh')] },
      ],
      files: { '/bin': 'symlink 0 @0', '/usr/bin/tool': 'file 50 @1' },
      wasted: 100,
      removed: ['whiteout /usr/bin/sh 100 by 1'],
    },
    {
      name: 'hard links take no bytes; odd names are normalised',
      layers: [{ createdBy: 'one', entries: [file('./a/../b', 10), { name: 'c', type: 'link', linkname: 'b' }] }],
      files: { '/b': 'file 10 @0', '/c': 'hardlink 0 @0' },
      wasted: 0,
      removed: [],
    },
  ];
  it.each(cases)('$name', async ({ layers, files: expected, wasted, removed }) => {
    const fs = await build(layers);
    expect(files(fs)).toEqual(expected);
    expect(fs.wastedBytes).toBe(wasted);
    expect(fs.removed.map((r) => `${r.how} ${r.path} ${String(r.bytes)} by ${String(r.removedBy)}`)).toEqual(removed);
    checkAccounting(fs);
  });

  it('keeps per-layer statistics and history', async () => {
    const fs = await build([
      { createdBy: 'base', entries: [file('a', 100), file('b', 50)] },
      { createdBy: 'RUN rm /a', entries: [whiteout('a'), file('c', 5)] },
    ]);
    expect(fs.layers.map((l) => [l.createdBy, l.addedBytes, l.files, l.whiteouts, l.wastedBytes, l.removedBytes, l.visibleBytes])).toEqual([
      ['base', 150, 2, 0, 100, 0, 50],
      ['RUN rm /a', 5, 1, 1, 0, 100, 5],
    ]);
    expect(fs.root.total).toBe(55);
    expect(fs.root.files).toBe(2);
  });

  it('hashes contents and marks a rewrite with the same bytes', async () => {
    const image = await syntheticImage([
      { createdBy: 'one', entries: [file('s', 64, 'same'), file('t', 64, 'one')] },
      { createdBy: 'chmod', entries: [file('s', 64, 'same'), file('t', 64, 'two')] },
    ]);
    const fs = await readImageFileSystem(image, { hash: true });
    expect(fs.hashed).toBe(true);
    expect(Object.fromEntries(fs.removed.map((r) => [r.path, r.sameContent]))).toEqual({ '/s': true, '/t': false });
    expect(findNode(fs.root, '/s')?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the content of the files it is asked to capture, only as the final view has them', async () => {
    const image = await syntheticImage([
      { createdBy: 'one', entries: [{ name: 'var/lib/dpkg/status', content: 'old' }, { name: 'app/package.json', content: '{}' }, { name: 'app/node_modules/x/package.json', content: '{}' }] },
      { createdBy: 'two', entries: [{ name: 'var/lib/dpkg/status', content: 'new' }] },
    ]);
    const fs = await readImageFileSystem(image);
    expect(Buffer.from(findNode(fs.root, '/var/lib/dpkg/status')?.content ?? []).toString()).toBe('new');
    expect(findNode(fs.root, '/app/package.json')?.content).toBeDefined();
    expect(findNode(fs.root, '/app/node_modules/x/package.json')?.content).toBeUndefined();
  });

  it('refuses a truncated layer with INVALID_ARCHIVE', async () => {
    const { layerFromBlobs } = await import('../image/index.js');
    const { makeTar } = await import('../image/test-fixtures.js');
    const { Readable } = await import('node:stream');
    const tar = await makeTar([file('a', 4000)]);
    const layer = layerFromBlobs({ mediaType: 'application/vnd.oci.image.layer.v1.tar', open: () => Promise.resolve(Readable.from([tar.subarray(0, 1000)])) });
    const { readLayerEntries } = await import('./layer-entries.js');
    await expect(readLayerEntries(await layer.openUncompressed(), { source: 'layer 0' })).rejects.toMatchObject({ code: 'INVALID_ARCHIVE' });
  });
});

/** A naive reference: a flat map of paths, with OCI's rules written the obvious way. */
function reference(layers: ReadonlyArray<readonly LayerEntry[]>): Map<string, { size: number; layer: number; dir: boolean }> {
  const paths = new Map<string, { size: number; layer: number; dir: boolean }>();
  const dropUnder = (p: string, self: boolean): void => {
    for (const key of [...paths.keys()]) if ((self && key === p) || key.startsWith(p + '/')) paths.delete(key);
  };
  layers.forEach((entries, layer) => {
    for (const e of entries) {
      if (e.kind === 'whiteout') dropUnder(e.path, true);
      if (e.kind === 'opaque' && paths.get(e.path)?.dir === true) dropUnder(e.path, false);
    }
    for (const e of entries) {
      if (e.kind === 'whiteout' || e.kind === 'opaque') continue;
      const parts = e.path.split('/').filter(Boolean);
      for (let i = 1; i < parts.length; i++) {
        const parent = '/' + parts.slice(0, i).join('/');
        const existing = paths.get(parent);
        if (existing !== undefined && !existing.dir) dropUnder(parent, true);
        if (!paths.has(parent)) paths.set(parent, { size: 0, layer, dir: true });
      }
      const existing = paths.get(e.path);
      if (existing?.dir === true && e.kind === 'dir') {
        existing.layer = layer;
        continue;
      }
      if (existing !== undefined) dropUnder(e.path, true);
      paths.set(e.path, { size: e.size, layer, dir: e.kind === 'dir' });
    }
  });
  return paths;
}

describe('the model against a naive reference (property)', () => {
  const name = fc.constantFrom('a', 'b', 'c');
  const path = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => '/' + parts.join('/'));
  const entry: fc.Arbitrary<LayerEntry> = fc.oneof(
    fc.record({ path, size: fc.integer({ min: 0, max: 1000 }) }).map(({ path: p, size }): LayerEntry => ({ path: p, kind: 'file', size })),
    path.map((p): LayerEntry => ({ path: p, kind: 'dir', size: 0 })),
    path.map((p): LayerEntry => ({ path: p, kind: 'whiteout', size: 0 })),
    path.map((p): LayerEntry => ({ path: p, kind: 'opaque', size: 0 })),
  );
  it('gives the same final view and balanced accounts for any sequence of layers', () => {
    fc.assert(
      fc.property(fc.array(fc.array(entry, { maxLength: 8 }), { minLength: 1, maxLength: 4 }), (layers) => {
        const builder = createFileSystemBuilder();
        const digest = toDigest('sha256:' + '0'.repeat(64));
        for (const entries of layers) builder.applyLayer({ digest, diffId: digest, blobSize: 0 }, entries);
        const fs = builder.finish();
        const expected = reference(layers);
        const actual = new Map<string, { size: number; layer: number; dir: boolean }>();
        walkTree(fs.root, (n) => {
          if (n.path !== '/') actual.set(n.path, { size: n.size, layer: n.layer, dir: n.kind === 'dir' });
        });
        expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));
        checkAccounting(fs);
      }),
      { numRuns: 400 },
    );
  });
});
