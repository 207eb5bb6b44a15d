import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSourceXattrs, writeXattrs } from '../ops/copy/copy-xattrs.js';
import { readXattrs } from '../snapshot/index.js';
import { listMountPoints, mountOverlay, planOverlayMount, unmount } from '../snapshot/mounts.js';
import { setXattrs } from '../snapshot/special-files.js';
import { nativeSys, nativeSysStatus, withoutNativeSys } from './sys.js';

const isRoot = process.getuid?.() === 0;
const hasAttrTools = spawnSync('sh', ['-c', 'command -v getfattr && command -v setfattr']).status === 0;
const status = nativeSysStatus();
if (!status.available) console.warn(`native addon tests skipped: ${status.detail}`);

describe('the addon is there where it is built', () => {
  it('loads under CI (npm run build compiles it there and fails when it cannot)', () => {
    if (process.env.CI !== 'true') return;
    expect(status, status.detail).toMatchObject({ available: true });
    expect(status.detail).toMatch(/stagecraft-sys\.node$/);
  });
});

/** Plain-object form of an xattr table for comparisons. */
function plain(table: ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [path, attrs] of [...table].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[path] = Object.fromEntries([...attrs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, value]) => [name, Buffer.from(value).toString('hex')]));
  }
  return out;
}

describe.runIf(status.available && isRoot)('native system calls', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-native-'));
  });
  afterEach(async () => {
    for (const point of (await listMountPoints()).filter((p) => p.startsWith(dir))) await unmount(point);
    await rm(dir, { recursive: true, force: true });
  });

  /** A tree with awkward names, nested directories, a symlink, and attributes of each namespace we meet. */
  async function treeWithXattrs(): Promise<string> {
    const root = join(dir, 'tree');
    await mkdir(join(root, 'dir with space', 'nested'), { recursive: true });
    await writeFile(join(root, 'plain'), 'x');
    await writeFile(join(root, 'dir with space', 'nested', 'ünï cödé'), 'y');
    await writeFile(join(root, 'line\nbreak'), 'z');
    await symlink('plain', join(root, 'link'));
    const sys = nativeSys();
    if (sys === undefined) throw new Error('no addon');
    const refused = await sys.writeXattrs([
      [join(root, 'plain'), 'user.empty', Buffer.alloc(0)],
      [join(root, 'plain'), 'user.binary', Buffer.from([0, 1, 2, 255, 10])],
      [join(root, 'dir with space'), 'trusted.overlay.opaque', Buffer.from('y')],
      [join(root, 'dir with space', 'nested', 'ünï cödé'), 'security.capability', Buffer.from('0100000200200000000000000000000000000000', 'hex')],
      [join(root, 'line\nbreak'), 'user.note', Buffer.from('text with = and \\ in it')],
      [root, 'user.root', Buffer.from('top')],
    ]);
    expect(refused).toEqual([]);
    return root;
  }

  it.runIf(hasAttrTools)('reads the same attributes as getfattr, through every reader that has a fallback', async () => {
    const root = await treeWithXattrs();
    const native = await readXattrs(root);
    const tools = await withoutNativeSys(() => readXattrs(root));
    expect(native.available).toBe(true);
    expect(plain(native.table)).toEqual(plain(tools.table));
    expect(plain(native.table)['dir with space']).toEqual({ 'trusted.overlay.opaque': '79' });
    expect(plain(native.table)['']).toEqual({ 'user.root': Buffer.from('top').toString('hex') });
    expect(plain(native.table).plain).toEqual({ 'user.binary': '000102ff0a', 'user.empty': '' });
    expect(native.table.has('link')).toBe(false);

    const paths = [join(root, 'plain'), join(root, 'dir with space')];
    const nativeSources = await readSourceXattrs(paths);
    expect(plain(nativeSources)).toEqual(plain(await withoutNativeSys(() => readSourceXattrs(paths))));
    // overlayfs' own attributes are never copied
    expect(Object.keys(plain(nativeSources))).toEqual([join(root, 'dir with space', 'nested', 'ünï cödé'), join(root, 'plain')]);
  });

  it.runIf(hasAttrTools)('writes attributes like setfattr, and reports what it could not set instead of throwing', async () => {
    const root = await treeWithXattrs();
    const items = [
      { path: join(root, 'plain'), xattrs: new Map([['user.copied', Buffer.from('1')]]) },
      { path: join(root, 'link'), xattrs: new Map([['user.on-a-symlink', Buffer.from('2')]]) },
    ];
    const nativeWarning = await writeXattrs(root, items);
    expect(nativeWarning).toMatch(/^some extended attributes could not be set: EPERM: .*lsetxattr '.*\/link'$/);
    expect((await readXattrs(root)).table.get('plain')?.get('user.copied')).toEqual(Buffer.from('1'));
    // the target of the symlink did not get the symlink's attribute
    expect((await readXattrs(root)).table.get('plain')?.has('user.on-a-symlink')).toBe(false);

    await setXattrs(root, [{ rel: 'dir with space/nested', xattrs: new Map([['user.set', Buffer.from('3')]]) }]);
    await withoutNativeSys(() => setXattrs(root, [{ rel: 'plain', xattrs: new Map([['user.set', Buffer.from('4')]]) }]));
    const table = (await withoutNativeSys(() => readXattrs(root))).table;
    expect(table.get('dir with space/nested')?.get('user.set')).toEqual(Buffer.from('3'));
    expect(table.get('plain')?.get('user.set')).toEqual(Buffer.from('4'));
    await expect(setXattrs(root, [{ rel: 'missing', xattrs: new Map([['user.x', Buffer.from('5')]]) }])).rejects.toMatchObject({
      code: 'SNAPSHOT_FAILED',
      message: expect.stringMatching(/ENOENT.*lsetxattr.*missing/) as unknown,
    });
  });

  it('mounts and unmounts an overlay with system calls; a second unmount is a no-op', async () => {
    const [lower, upper, work, target] = ['lower', 'upper', 'work', 'merged'].map((name) => join(dir, name)) as [string, string, string, string];
    await Promise.all([lower, upper, work, target].map((path) => mkdir(path)));
    await writeFile(join(lower, 'from-lower'), 'lower');
    const plan = planOverlayMount([lower], { snapshotDir: dir, upper, work }, []);
    expect(plan.cwd).toBeUndefined();
    await mountOverlay(plan, target);
    expect(await listMountPoints()).toContain(target);
    expect(await readFile(join(target, 'from-lower'), 'utf8')).toBe('lower');
    await writeFile(join(target, 'new'), 'upper');
    await unmount(target);
    expect(await listMountPoints()).not.toContain(target);
    expect(await readFile(join(upper, 'new'), 'utf8')).toBe('upper');
    await unmount(target);
    await unmount(join(dir, 'does-not-exist'));
  });

  it('detaches a busy mount lazily, and takes off mounts stacked on one point', async () => {
    const [lower, target] = [join(dir, 'lower'), join(dir, 'merged')];
    await Promise.all([mkdir(lower), mkdir(target)]);
    const mountOne = async (name: string): Promise<void> => {
      const upper = join(dir, `upper-${name}`);
      const work = join(dir, `work-${name}`);
      await Promise.all([mkdir(upper), mkdir(work)]);
      await mountOverlay(planOverlayMount([lower], { snapshotDir: dir, upper, work }, []), target);
    };
    await mountOne('a');
    await mountOne('b');
    expect((await listMountPoints()).filter((p) => p === target)).toHaveLength(2);
    const busy = await open(join(target, 'held-open'), 'w');
    try {
      await unmount(target);
      expect(await listMountPoints()).not.toContain(target);
      await busy.writeFile('still writable after the lazy detach');
    } finally {
      await busy.close();
    }
  });

  it('gives a mount failure as SNAPSHOT_FAILED with the errno', async () => {
    const plan = planOverlayMount([join(dir, 'no-lower')], { snapshotDir: dir, upper: join(dir, 'no-upper'), work: join(dir, 'no-work') }, []);
    await mkdir(join(dir, 'merged'));
    await expect(mountOverlay(plan, join(dir, 'merged'))).rejects.toMatchObject({
      code: 'SNAPSHOT_FAILED',
      message: expect.stringMatching(/^mounting an overlay at .*merged failed: ENOENT: no such file or directory, mount/) as unknown,
    });
  });

  it('rejects with Node-style errors and checks its arguments', async () => {
    const sys = nativeSys();
    if (sys === undefined) throw new Error('no addon');
    await expect(sys.umount(join(dir, 'not-a-mount'), 0)).rejects.toMatchObject({ code: 'ENOENT', syscall: 'umount2', errno: -2 });
    await expect(sys.umount(dir, 0)).rejects.toMatchObject({ code: 'EINVAL' });
    expect(() => sys.mount('overlay', 42 as unknown as string, 'overlay', 0)).toThrow(TypeError);
    expect(() => sys.umount(dir, -1)).toThrow(TypeError);
    expect(await sys.readXattrs([join(dir, 'missing')], true)).toEqual([]);
  });

  it('umountAll takes a stack of mounts off in one call and says how many went', async () => {
    const sys = nativeSys();
    if (sys === undefined) throw new Error('no addon');
    const target = join(dir, 'point');
    await mkdir(target);
    for (let i = 0; i < 3; i++) {
      const result = spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', target]);
      expect(result.status, result.stderr.toString()).toBe(0);
    }
    expect((await listMountPoints()).filter((p) => p === target)).toHaveLength(3);
    expect(await sys.umountAll(target, 2)).toBe(3); // the limit was passed: one more than it
    expect(await sys.umountAll(target, 16)).toBe(0);
    spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', target]);
    expect(await sys.umountAll(target, 16)).toBe(1);
    expect(await listMountPoints()).not.toContain(target);
    await expect(sys.umountAll(join(dir, 'missing'), 16)).resolves.toBe(0);
    await expect(unmount(target)).resolves.toBeUndefined();
  });

  it('removeTree removes a tree without following symlinks, and a missing path is no error', async () => {
    const sys = nativeSys();
    if (sys === undefined) throw new Error('no addon');
    const outside = join(dir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'keep'), 'kept');
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'a', 'b', 'c'), { recursive: true });
    await writeFile(join(tree, 'a', 'b', 'c', 'file'), 'x');
    await writeFile(join(tree, 'top'), 'y');
    await symlink(outside, join(tree, 'a', 'link-to-dir'));
    await symlink('/nowhere', join(tree, 'dangling'));
    await sys.removeTree(tree);
    await expect(readFile(join(outside, 'keep'), 'utf8')).resolves.toBe('kept');
    await expect(open(tree)).rejects.toMatchObject({ code: 'ENOENT' });
    await sys.removeTree(tree);
    await writeFile(join(dir, 'plain'), 'z');
    await sys.removeTree(join(dir, 'plain'));
    await expect(open(join(dir, 'plain'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removeTree does not reach into a file system mounted inside the tree (EXDEV)', async () => {
    const sys = nativeSys();
    if (sys === undefined) throw new Error('no addon');
    const point = join(dir, 'tree', 'mounted');
    await mkdir(point, { recursive: true });
    expect(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', point]).status).toBe(0);
    await writeFile(join(point, 'inside'), 'safe');
    await expect(sys.removeTree(join(dir, 'tree'))).rejects.toMatchObject({ code: 'EXDEV', syscall: 'rmdir', path: point });
    await expect(readFile(join(point, 'inside'), 'utf8')).resolves.toBe('safe');
    await unmount(point);
    await sys.removeTree(join(dir, 'tree'));
    await expect(open(join(dir, 'tree'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('markTopDir sets the T flag (as lsattr shows it), returns 0 again when it is set, and the errno otherwise', () => {
    const sys = nativeSys();
    if (sys === undefined) throw new Error('no addon');
    expect(sys.markTopDir(dir)).toBe(0);
    const lsattr = spawnSync('lsattr', ['-d', dir], { encoding: 'utf8' });
    if (lsattr.status === 0) expect(lsattr.stdout.split(' ')[0]).toContain('T');
    expect(sys.markTopDir(dir)).toBe(0);
    expect(sys.markTopDir(join(dir, 'missing'))).toBe(2); // ENOENT
    expect(sys.markTopDir('/proc')).not.toBe(0); // procfs has no such flags
    expect(() => sys.markTopDir(7 as unknown as string)).toThrow(TypeError);
  });
});
