import { mkdir, mkdtemp, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findMissingStubs, removeMountStubs } from './mount-stubs.js';

describe('mount stubs', () => {
  let dir = '';
  let rootfs = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stubs-'));
    rootfs = join(dir, 'rootfs');
    await mkdir(join(rootfs, 'etc'), { recursive: true });
    await writeFile(join(rootfs, 'etc', 'hosts'), '127.0.0.1 localhost\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    { name: 'existing file', destinations: ['/etc/hosts'], missing: [] },
    { name: 'missing file in an existing dir', destinations: ['/etc/resolv.conf'], missing: ['/etc/resolv.conf'] },
    { name: 'missing parents too, deepest first', destinations: ['/mnt/a/b'], missing: ['/mnt/a/b', '/mnt/a', '/mnt'] },
    { name: 'shared parents once', destinations: ['/m/x', '/m/y'], missing: ['/m/x', '/m', '/m/y'] },
    { name: 'relative and dotted paths', destinations: ['etc/./resolv.conf'], missing: ['/etc/resolv.conf'] },
    { name: 'below a file', destinations: ['/etc/hosts/x'], missing: ['/etc/hosts/x'] },
  ])('finds: $name', async ({ destinations, missing }) => {
    expect(await findMissingStubs(rootfs, destinations)).toEqual(missing);
  });

  it('removes empty stubs the runtime made, keeps what has content, restores the parent mtime', async () => {
    const missing = await findMissingStubs(rootfs, ['/etc/resolv.conf', '/mnt/data', '/cache/x']);
    const old = new Date('2020-01-02T03:04:05Z');
    await utimes(join(rootfs, 'etc'), old, old);
    // what a runtime does: empty files and directories as mount points
    await writeFile(join(rootfs, 'etc', 'resolv.conf'), '');
    await mkdir(join(rootfs, 'mnt', 'data'), { recursive: true });
    await mkdir(join(rootfs, 'cache', 'x'), { recursive: true });
    // and what the step itself wrote: kept
    await writeFile(join(rootfs, 'cache', 'x', 'file'), 'data');
    await utimes(join(rootfs, 'etc'), old, old);
    await removeMountStubs(rootfs, missing);
    expect((await readdir(join(rootfs, 'etc'))).sort()).toEqual(['hosts']);
    expect((await stat(join(rootfs, 'etc'))).mtime.toISOString()).toBe(old.toISOString());
    expect((await readdir(rootfs)).sort()).toEqual(['cache', 'etc']);
    expect(await readdir(join(rootfs, 'cache', 'x'))).toEqual(['file']);
  });

  it('keeps a stub that is no longer empty and never follows symlinks out of the rootfs', async () => {
    const outside = join(dir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'victim'), '');
    const missing = await findMissingStubs(rootfs, ['/etc/resolv.conf', '/link/victim']);
    await writeFile(join(rootfs, 'etc', 'resolv.conf'), 'nameserver 1.1.1.1\n');
    await symlink(outside, join(rootfs, 'link'));
    await removeMountStubs(rootfs, missing);
    expect(await readdir(outside)).toEqual(['victim']);
    expect((await readdir(join(rootfs, 'etc'))).sort()).toEqual(['hosts', 'resolv.conf']);
  });
});
