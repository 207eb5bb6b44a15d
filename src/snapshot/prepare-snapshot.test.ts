import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline as pipelineStreams } from 'node:stream/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { activeDir } from './layout.js';
import { listMountPoints } from './mounts.js';
import { overlayAvailable } from './overlay-probe.js';
import { prepareSnapshot } from './prepare-snapshot.js';
import type { MutableSnapshot } from './prepare-snapshot.js';
import { activeRecordPath } from './active-snapshots.js';
import type { SnapshotKind } from './active-snapshots.js';
import { describeTree, isRoot, layerFromSpecs, listLayerEntries } from './testing/fixtures.js';
import type { EntrySpec } from './testing/fixtures.js';
import { unpackLayer } from './unpack-layer.js';

let work: string;
let store: Store;
let overlay = false;
const held: MutableSnapshot[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sc-snap-'));
  if (!isRoot) return;
  store = await openStore(join(work, 'root'));
  overlay = await overlayAvailable(store.root);
  if (!overlay) console.warn('overlayfs cannot be mounted here: overlay snapshot tests skipped (copy tests still run)');
});
afterEach(async () => {
  await Promise.allSettled(held.splice(0).map((s) => s.release()));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
if (!isRoot) console.warn('snapshot tests need root (mounts, mknod, chown): skipped');

let tarCount = 0;
async function unpackSpecs(specs: readonly EntrySpec[], root = store.root): Promise<string> {
  return unpackLayer({ root }, await layerFromSpecs(join(work, `layer-${tarCount++}.tar`), specs));
}

async function prepare(lowers: readonly string[], kind: SnapshotKind): Promise<MutableSnapshot> {
  const snapshot = await prepareSnapshot(lowers, { root: store.root, snapshotter: kind });
  held.push(snapshot);
  return snapshot;
}

const BASE: EntrySpec[] = [
  { path: 'bin', type: 'directory' },
  { path: 'bin/tool', content: 'tool v1', mode: 0o755 },
  { path: 'data', type: 'directory' },
  { path: 'data/keep', content: 'keep v1' },
  { path: 'etc', type: 'directory' },
  { path: 'etc/hosts', content: '127.0.0.1 localhost' },
  { path: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh' },
  { path: 'lib', type: 'symlink', target: 'usr/lib' },
  { path: 'opt/app', type: 'directory' },
  { path: 'opt/app/old1', content: 'old1' },
  { path: 'opt/app/old2', content: 'old2' },
  { path: 'usr/lib', type: 'directory' },
  { path: 'usr/lib/a.so', content: 'a' },
];
const DELETE_AND_REPLACE: EntrySpec[] = [
  { path: 'data', type: 'directory' },
  { path: 'data/keep', content: 'keep v2', mode: 0o600, uid: 1000, gid: 1000 },
  { path: 'etc', type: 'directory' },
  { path: 'etc/.wh.hosts' },
  { path: 'opt/app', type: 'directory', mode: 0o750 },
  { path: 'opt/app/.wh..wh..opq' },
  { path: 'opt/app/new', content: 'new' },
];
const ADD: EntrySpec[] = [
  { path: 'etc/hostname', content: 'box' },
  { path: 'srv/www/index.html', content: '<h1>hi</h1>' },
  { path: 'usr/lib/extra/b.so', content: 'b' },
];

/** The merged view of the three layers above (no mtimes: directories change them). */
const MERGED = (sha: (s: string) => string): string[] => [
  'bin d 755 0:0',
  `bin/tool f 755 0:0 7 ${sha('tool v1')}`,
  'data d 755 0:0',
  `data/keep f 600 1000:1000 7 ${sha('keep v2')}`,
  'etc d 755 0:0',
  `etc/hostname f 644 0:0 3 ${sha('box')}`,
  `etc/passwd f 644 0:0 25 ${sha('root:x:0:0::/root:/bin/sh')}`,
  'lib l 777 0:0 -> usr/lib',
  'opt d 755 0:0',
  'opt/app d 750 0:0',
  `opt/app/new f 644 0:0 3 ${sha('new')}`,
  'srv d 755 0:0',
  'srv/www d 755 0:0',
  `srv/www/index.html f 644 0:0 11 ${sha('<h1>hi</h1>')}`,
  'usr d 755 0:0',
  'usr/lib d 755 0:0',
  `usr/lib/a.so f 644 0:0 1 ${sha('a')}`,
  'usr/lib/extra d 755 0:0',
  `usr/lib/extra/b.so f 644 0:0 1 ${sha('b')}`,
];

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Changes made in every commit test: add, modify, delete, rm -rf a directory and make it again. */
async function makeChanges(rootfs: string): Promise<void> {
  await writeFile(join(rootfs, 'new.txt'), 'added');
  await writeFile(join(rootfs, 'etc/passwd'), 'root:x:0:0::/root:/bin/bash');
  await unlink(join(rootfs, 'bin/tool'));
  await rm(join(rootfs, 'usr/lib'), { recursive: true });
  await mkdir(join(rootfs, 'usr/lib'));
  await writeFile(join(rootfs, 'usr/lib/c.so'), 'c');
  await rm(join(rootfs, 'srv'), { recursive: true });
}

const EXPECTED_COMMIT = [
  'bin/ d',
  'bin/.wh.tool file',
  'etc/ d',
  'etc/passwd file',
  'new.txt file',
  '.wh.srv file',
  'usr/ d',
  'usr/lib/ d',
  'usr/lib/.wh..wh..opq file',
  'usr/lib/c.so file',
].map((line) => line.replace(/ d$/, ' directory'));

const kinds: SnapshotKind[] = ['overlay', 'copy'];

const run = promisify(execFile);

describe.runIf(isRoot).each(kinds)('%s snapshots', (kind) => {
  const skip = (): boolean => {
    if (kind === 'overlay' && !overlay) return true;
    return false;
  };

  async function stack(): Promise<string[]> {
    const base = await unpackSpecs(BASE);
    const middle = await unpackSpecs(DELETE_AND_REPLACE);
    const top = await unpackSpecs(ADD);
    return [top, middle, base];
  }

  it('shows exactly the merged view of a three-layer stack', async () => {
    if (skip()) return;
    const snapshot = await prepare(await stack(), kind);
    expect(snapshot.kind).toBe(kind);
    expect(await describeTree(snapshot.rootfs)).toEqual(MERGED(sha));
    if (kind === 'overlay') expect(await listMountPoints()).toContain(snapshot.rootfs);
  });

  it('commits add, modify, delete and a re-made directory; the layer reproduces the view', async () => {
    if (skip()) return;
    const lowers = await stack();
    const snapshot = await prepare(lowers, kind);
    await makeChanges(snapshot.rootfs);
    const expectedView = await describeTree(snapshot.rootfs);
    const result = await snapshot.commit(store);
    if (result === undefined) throw new Error('expected a layer');
    expect((await listLayerEntries(result.layer)).map((e) => `${e.name} ${e.type}`)).toEqual(EXPECTED_COMMIT);
    expect(await result.layer.diffId()).toBe(result.diffId);
    expect(await store.blobSize(result.diffId)).toBe(result.size);
    await snapshot.release();
    expect(await listMountPoints()).not.toContain(snapshot.rootfs);

    // The kept upperdir, stacked on the same lowers, shows the changed view...
    if (result.dir === undefined) throw new Error('expected the unpacked layer to be kept');
    const again = await prepare([result.dir, ...lowers], kind);
    expect(await describeTree(again.rootfs)).toEqual(expectedView);
    // ...and so does the layer tar unpacked afresh in another root, over the lowers unpacked there.
    const otherRoot = join(work, `other-${kind}`);
    const fresh = [
      await unpackLayer({ root: otherRoot }, result.layer),
      await unpackSpecs(ADD, otherRoot),
      await unpackSpecs(DELETE_AND_REPLACE, otherRoot),
      await unpackSpecs(BASE, otherRoot),
    ];
    const view = await prepareSnapshot(fresh, { root: otherRoot, snapshotter: kind });
    held.push(view);
    expect(await describeTree(view.rootfs)).toEqual(expectedView);
  });

  it('stacks type changes between layers without following lower symlinks', async () => {
    if (skip()) return;
    const outside = join(work, `outside-${kind}`);
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'target'), 'host file');
    const bottom = await unpackSpecs([
      { path: 'file-to-dir', content: 'was a file' },
      { path: 'dir-to-file/inner', content: 'was in a dir' },
      { path: 'dir-to-link/inner', content: 'was in a dir' },
      { path: 'link-to-file', type: 'symlink', target: join(outside, 'target') },
      { path: 'link-to-dir', type: 'symlink', target: outside },
      { path: 'gone-dir/deep/file', content: 'deleted with its directory' },
    ]);
    const top = await unpackSpecs([
      { path: 'file-to-dir/now', content: 'in a dir' },
      { path: 'dir-to-file', content: 'now a file' },
      { path: 'dir-to-link', type: 'symlink', target: 'file-to-dir' },
      { path: 'link-to-file', content: 'replaces the link' },
      { path: 'link-to-dir/inside', content: 'in a real dir' },
      { path: '.wh.gone-dir' },
    ]);
    const snapshot = await prepare([top, bottom], kind);
    expect(await describeTree(snapshot.rootfs)).toEqual([
      `dir-to-file f 644 0:0 10 ${sha('now a file')}`,
      'dir-to-link l 777 0:0 -> file-to-dir',
      'file-to-dir d 755 0:0',
      `file-to-dir/now f 644 0:0 8 ${sha('in a dir')}`,
      'link-to-dir d 755 0:0',
      `link-to-dir/inside f 644 0:0 13 ${sha('in a real dir')}`,
      `link-to-file f 644 0:0 17 ${sha('replaces the link')}`,
    ]);
    expect(await readdir(outside)).toEqual(['target']);
    expect(await readFile(join(outside, 'target'), 'utf8')).toBe('host file');
  });

  it("carries the changed files' xattrs into the layer (user.*, security.capability), never overlay's own", async () => {
    if (skip()) return;
    const snapshot = await prepare(await stack(), kind);
    await mkdir(join(snapshot.rootfs, 'caps'), { recursive: true });
    await writeFile(join(snapshot.rootfs, 'caps', 'tool'), 'binary');
    await run('setfattr', ['-n', 'user.note', '-v', 'kept', join(snapshot.rootfs, 'caps', 'tool')]);
    // cap_net_bind_service+ep, as setcap writes it (VFS_CAP_REVISION_2)
    await run('setfattr', ['-n', 'security.capability', '-v', '0x0000000200040000000000000000000000000000', join(snapshot.rootfs, 'caps', 'tool')]);
    const result = await snapshot.commit(store);
    if (result === undefined) throw new Error('expected a layer');
    const { extract } = await import('tar-stream');
    const extractor = extract();
    const pax = new Map<string, Record<string, string>>();
    const consume = (async () => {
      for await (const entry of extractor) {
        pax.set(entry.header.name, { ...(entry.header.pax as Record<string, string> | undefined) });
        entry.resume();
      }
    })();
    await Promise.all([pipelineStreams(await result.layer.openUncompressed(), extractor), consume]);
    const tool = pax.get('caps/tool') ?? {};
    expect(tool['SCHILY.xattr.user.note']).toBe('kept');
    expect(Buffer.from(tool['SCHILY.xattr.security.capability'] ?? '', 'latin1').toString('hex')).toBe('0000000200040000000000000000000000000000');
    for (const attrs of pax.values()) expect(Object.keys(attrs).filter((k) => k.includes('trusted.overlay'))).toEqual([]);
  });

  it('commits nothing when nothing changed', async () => {
    if (skip()) return;
    const snapshot = await prepare(await stack(), kind);
    expect(await snapshot.commit(store)).toBeUndefined();
  });

  it('works over no layers (FROM scratch)', async () => {
    if (skip()) return;
    const snapshot = await prepare([], kind);
    expect(await readdir(snapshot.rootfs)).toEqual([]);
    await mkdir(join(snapshot.rootfs, 'app'));
    await writeFile(join(snapshot.rootfs, 'app/main'), 'main');
    await chmod(join(snapshot.rootfs, 'app/main'), 0o755);
    await symlink('app/main', join(snapshot.rootfs, 'entry'));
    const result = await snapshot.commit(store);
    expect((await listLayerEntries(result?.layer ?? fail())).map((e) => `${e.name} ${e.type} ${e.mode}`)).toEqual([
      'app/ directory 755',
      'app/main file 755',
      'entry symlink 777',
    ]);
  });

  it('release is idempotent and removes everything the snapshot made', async () => {
    if (skip()) return;
    const snapshot = await prepare(await stack(), kind);
    await writeFile(join(snapshot.rootfs, 'x'), 'x');
    expect(existsSync(activeRecordPath(store.root, snapshot.id))).toBe(true);
    await Promise.all([snapshot.release(), snapshot.release()]);
    await snapshot.release();
    expect(existsSync(join(activeDir(store.root), snapshot.id))).toBe(false);
    expect(await listMountPoints()).not.toContain(snapshot.rootfs);
    await expect(snapshot.commit(store)).rejects.toMatchObject({ code: 'SNAPSHOT_FAILED' });
  });
});

function fail(): never {
  throw new Error('expected a value');
}

describe.runIf(isRoot)('overlay snapshots only', () => {
  it('mounts a long stack of layers through short relative paths', async () => {
    if (!overlay) return;
    const lowers: string[] = [];
    for (let i = 0; i < 120; i++) lowers.push(await unpackSpecs([{ path: `f${String(i).padStart(3, '0')}`, content: `layer ${i}` }, { path: 'shared', content: `from ${i}` }]));
    expect(lowers.join(':').length).toBeGreaterThan(4096);
    const snapshot = await prepare(lowers.reverse(), 'overlay'); // top first: layer 119 on top
    const names = await readdir(snapshot.rootfs);
    expect(names).toHaveLength(121);
    expect(await readFile(join(snapshot.rootfs, 'shared'), 'utf8')).toBe('from 119');
  });

  it('unmounts lazily when the rootfs is busy', async () => {
    if (!overlay) return;
    const snapshot = await prepare(await unpackSpecs([{ path: 'a', content: 'a' }]).then((d) => [d]), 'overlay');
    const busy = spawn('sleep', ['30'], { cwd: snapshot.rootfs, stdio: 'ignore' });
    try {
      await snapshot.release();
      expect(await listMountPoints()).not.toContain(snapshot.rootfs);
      expect(existsSync(join(activeDir(store.root), snapshot.id))).toBe(false);
    } finally {
      busy.kill('SIGKILL');
    }
  });

  it('picks overlayfs when asked for auto', async () => {
    if (!overlay) return;
    const snapshot = await prepareSnapshot([], { root: store.root });
    held.push(snapshot);
    expect(snapshot.kind).toBe('overlay');
  });

  it('leaves nothing when cancelled before it starts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const before = await readdir(activeDir(store.root)).catch(() => []);
    await expect(prepareSnapshot([], { root: store.root, signal: controller.signal })).rejects.toThrow('stop');
    expect(await readdir(activeDir(store.root)).catch(() => [])).toEqual(before);
  });
});

describe.runIf(isRoot)('where overlayfs cannot be mounted', () => {
  it('auto picks the copying snapshotter (a store root on overlayfs itself)', async () => {
    if (!overlay) return;
    const base = join(work, 'nested');
    for (const d of ['lower', 'upper', 'work', 'merged']) await mkdir(join(base, d), { recursive: true });
    const { execFileSync } = await import('node:child_process');
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${base}/lower,upperdir=${base}/upper,workdir=${base}/work`, `${base}/merged`]);
    try {
      const nestedRoot = join(base, 'merged', 'root');
      expect(await overlayAvailable(nestedRoot)).toBe(false);
      const lowers = [await unpackSpecs(ADD, nestedRoot), await unpackSpecs(BASE, nestedRoot)];
      const snapshot = await prepareSnapshot(lowers, { root: nestedRoot });
      held.push(snapshot);
      expect(snapshot.kind).toBe('copy');
      await writeFile(join(snapshot.rootfs, 'etc/passwd'), 'changed');
      await writeFile(join(snapshot.rootfs, 'srv/www/new.html'), 'new');
      const nestedStore = await openStore(nestedRoot);
      const result = await snapshot.commit(nestedStore);
      expect((await listLayerEntries(result?.layer ?? fail())).map((e) => e.name)).toEqual(['etc/', 'etc/passwd', 'srv/', 'srv/www/', 'srv/www/new.html']);
      await snapshot.release();
      // Deletions need whiteout devices, which overlayfs refuses to store: a clear error, not a silent loss.
      const again = await prepareSnapshot(lowers, { root: nestedRoot });
      held.push(again);
      await unlink(join(again.rootfs, 'etc/hosts'));
      await expect(again.commit(nestedStore)).rejects.toMatchObject({ code: 'SNAPSHOT_FAILED', hint: expect.stringContaining('not overlayfs') as unknown });
    } finally {
      await Promise.allSettled(held.splice(0).map((s) => s.release()));
      execFileSync('umount', [`${base}/merged`]);
    }
  });

  it('releaseAllSnapshots releases every snapshot this process holds', async () => {
    const { releaseAllSnapshots } = await import('./prepare-snapshot.js');
    const a = await prepareSnapshot([], { root: store.root, snapshotter: 'copy' });
    const b = await prepareSnapshot([], { root: store.root });
    await releaseAllSnapshots();
    for (const s of [a, b]) expect(existsSync(join(activeDir(store.root), s.id))).toBe(false);
  });
});
