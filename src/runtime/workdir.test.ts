import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureWorkdir } from './workdir.js';

const isRoot = userInfo().uid === 0;
const owner = isRoot ? { uid: 1234, gid: 2345 } : { uid: userInfo().uid, gid: userInfo().gid };

describe('ensureWorkdir', () => {
  let dir = '';
  let rootfs = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'workdir-'));
    rootfs = join(dir, 'rootfs');
    await mkdir(join(rootfs, 'srv'), { recursive: true, mode: 0o700 });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the missing directories 0755 owned by the user and leaves existing ones alone', async () => {
    const before = await stat(join(rootfs, 'srv'));
    expect(await ensureWorkdir(rootfs, '/srv/app/src', owner)).toEqual(['/srv/app', '/srv/app/src']);
    for (const path of ['srv/app', 'srv/app/src']) {
      const info = await stat(join(rootfs, path));
      expect({ uid: info.uid, gid: info.gid, mode: info.mode & 0o7777 }).toEqual({ ...owner, mode: 0o755 });
    }
    const after = await stat(join(rootfs, 'srv'));
    expect({ uid: after.uid, mode: after.mode & 0o7777 }).toEqual({ uid: before.uid, mode: 0o700 });
  });

  it('does nothing when the directory exists', async () => {
    expect(await ensureWorkdir(rootfs, '/srv', owner)).toEqual([]);
    expect(await ensureWorkdir(rootfs, '/', owner)).toEqual([]);
  });

  it('creates through a symlink inside the rootfs, never outside it', async () => {
    await symlink('/srv', join(rootfs, 'app'));
    await symlink('../../../../escape', join(rootfs, 'up'));
    await ensureWorkdir(rootfs, '/app/x', owner);
    expect((await stat(join(rootfs, 'srv', 'x'))).isDirectory()).toBe(true);
    await ensureWorkdir(rootfs, '/up/y', owner);
    expect((await stat(join(rootfs, 'escape', 'y'))).isDirectory()).toBe(true);
    await expect(stat(join(dir, 'escape'))).rejects.toThrow();
  });

  it('fails when a file is in the way', async () => {
    await writeFile(join(rootfs, 'srv', 'file'), '');
    await expect(ensureWorkdir(rootfs, '/srv/file/sub', owner)).rejects.toThrow(/ENOTDIR|not a directory/);
  });
});
