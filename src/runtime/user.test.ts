import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildError } from '../errors/index.js';
import { resolveInRoot } from './root-path.js';
import { parseGroup, parsePasswd, readUserFile, resolveUser, resolveUserFromFiles } from './user.js';

const passwd = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  '',
  '  node:x:1000:1000::/home/node:/bin/bash  ',
  'app:x:1001:1001:App:/srv/app:/bin/sh',
  'dup:x:1001:50::/other:/bin/sh',
  'short:x:1002',
  'bad:x:abc:7::/bad:/bin/sh',
].join('\n');

const group = [
  '# comment line',
  'root:x:0:root',
  'adm:x:4:root,app',
  'staff:x:50:',
  'node:x:1000:',
  'app:x:1001:',
  'docker:x:999:node,app',
  'tools:x:2000:app',
].join('\n');

const files = { passwd, group };

describe('parsePasswd / parseGroup', () => {
  it('reads fields like Go: trimmed lines, numbers that fail to parse are 0, short lines allowed', () => {
    const users = parsePasswd(passwd);
    expect(users.map((u) => u.name)).toEqual(['root', 'daemon', 'node', 'app', 'dup', 'short', 'bad']);
    expect(users[2]).toEqual({ name: 'node', uid: 1000, gid: 1000, home: '/home/node' });
    expect(users[5]).toEqual({ name: 'short', uid: 1002, gid: 0, home: '' });
    expect(users[6]?.uid).toBe(0);
    const groups = parseGroup(group);
    expect(groups[0]).toEqual({ name: 'root', gid: 0, members: ['root'] });
    expect(groups.find((g) => g.name === 'staff')?.members).toEqual([]);
  });
});

describe('resolveUserFromFiles', () => {
  it.each([
    // empty USER: root, looked up like "0" (supplementary groups of root included)
    { spec: '', uid: 0, gid: 0, sgids: [0, 4], home: '/root' },
    { spec: 'root', uid: 0, gid: 0, sgids: [0, 4], home: '/root' },
    // by name: gid and home from passwd, supplementary groups from group membership
    { spec: 'node', uid: 1000, gid: 1000, sgids: [999], home: '/home/node' },
    { spec: 'app', uid: 1001, gid: 1001, sgids: [4, 999, 2000], home: '/srv/app' },
    // by number: matched by uid (first entry wins), same as by name
    { spec: '1000', uid: 1000, gid: 1000, sgids: [999], home: '/home/node' },
    { spec: '1001', uid: 1001, gid: 1001, sgids: [4, 999, 2000], home: '/srv/app' },
    // a number needs no passwd entry: gid 0, no groups, HOME /
    { spec: '4242', uid: 4242, gid: 0, sgids: [], home: '/' },
    // explicit group: by name or number, no supplementary groups
    { spec: 'app:staff', uid: 1001, gid: 50, sgids: [], home: '/srv/app' },
    { spec: 'app:999', uid: 1001, gid: 999, sgids: [], home: '/srv/app' },
    { spec: 'node:7777', uid: 1000, gid: 7777, sgids: [], home: '/home/node' },
    { spec: '4242:docker', uid: 4242, gid: 999, sgids: [], home: '/' },
    // numeric pair: BuildKit's fast path, nothing looked up but HOME (runc looks it up by uid)
    { spec: '1000:1000', uid: 1000, gid: 1000, sgids: [], home: '/home/node' },
    { spec: '5000:6000', uid: 5000, gid: 6000, sgids: [], home: '/' },
    { spec: 'root:root', uid: 0, gid: 0, sgids: [], home: '/root' },
    { spec: '0:4294967295', uid: 0, gid: 4294967295, sgids: [], home: '/root' },
    // empty user part means the uid-0 entry
    { spec: ':staff', uid: 0, gid: 50, sgids: [], home: '/root' },
  ])('USER $spec → $uid:$gid +$sgids home $home', ({ spec, uid, gid, sgids, home }) => {
    expect(resolveUserFromFiles(spec, files)).toEqual({ uid, gid, additionalGids: sgids, home });
  });

  it.each([
    { spec: 'nobody', code: 'USER_NOT_FOUND', message: /unable to find user nobody: no matching entries in \/etc\/passwd of stage build/ },
    { spec: 'app:nogroup', code: 'USER_NOT_FOUND', message: /unable to find group nogroup: no matching entries in \/etc\/group of stage build/ },
    { spec: '-1', code: 'INVALID_USER', message: /must be in range 0-2147483647/ },
    { spec: '2147483648', code: 'INVALID_USER', message: /must be in range/ },
    { spec: 'app:-5', code: 'INVALID_USER', message: /must be in range/ },
  ])('USER $spec fails with $code', ({ spec, code, message }) => {
    let caught: unknown;
    try {
      resolveUserFromFiles(spec, files, { stage: 'build' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BuildError);
    expect((caught as BuildError).code).toBe(code);
    expect((caught as BuildError).message).toMatch(message);
  });

  it('without passwd or group files: numbers work, names fail, empty USER is root', () => {
    const none = { passwd: undefined, group: undefined };
    expect(resolveUserFromFiles('1234', none)).toEqual({ uid: 1234, gid: 0, additionalGids: [], home: '/' });
    expect(resolveUserFromFiles('1234:55', none)).toEqual({ uid: 1234, gid: 55, additionalGids: [], home: '/' });
    expect(resolveUserFromFiles('', none)).toEqual({ uid: 0, gid: 0, additionalGids: [], home: '/' });
    expect(() => resolveUserFromFiles('root', none)).toThrow(/unable to find user root/);
    expect(() => resolveUserFromFiles('1:wheel', none)).toThrow(/unable to find group wheel/);
    expect((() => {
      try {
        resolveUserFromFiles('app', none, { stage: 'final' });
      } catch (err) {
        return (err as BuildError).details;
      }
      return undefined;
    })()).toEqual({ user: 'app', file: '/etc/passwd', stage: 'final' });
  });
});

describe('reading the files from a rootfs', () => {
  let dir = '';
  let rootfs = '';
  let outside = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'user-test-'));
    rootfs = join(dir, 'rootfs');
    outside = join(dir, 'outside');
    await mkdir(join(rootfs, 'etc'), { recursive: true });
    await mkdir(join(rootfs, 'real'), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'passwd'), 'evil:x:0:0::/:/bin/sh\nroot:x:0:0:host:/host-root:/bin/sh\n');
    await writeFile(join(rootfs, 'real', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nweb:x:33:33::/var/www:/bin/sh\n');
    await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\nwww-data:x:33:web\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('follows an absolute symlink inside the rootfs, not on the host', async () => {
    await rm(join(rootfs, 'etc', 'passwd'), { force: true });
    await symlink('/real/passwd', join(rootfs, 'etc', 'passwd'));
    expect(await resolveUser(rootfs, 'web')).toEqual({ uid: 33, gid: 33, additionalGids: [33], home: '/var/www' });
  });

  it('never leaves the rootfs through ../ symlinks', async () => {
    await rm(join(rootfs, 'etc', 'passwd'), { force: true });
    await symlink('../../../outside/passwd', join(rootfs, 'etc', 'passwd'));
    expect(await resolveInRoot(rootfs, '/etc/passwd')).toBe(join(rootfs, 'outside', 'passwd'));
    expect(await readUserFile(rootfs, '/etc/passwd')).toBeUndefined();
    await expect(resolveUser(rootfs, 'evil')).rejects.toThrow(/unable to find user evil/);
  });

  it('treats a directory where the file should be as no file', async () => {
    await rm(join(rootfs, 'etc', 'passwd'), { force: true });
    await mkdir(join(rootfs, 'etc', 'passwd'));
    expect(await readUserFile(rootfs, '/etc/passwd')).toBeUndefined();
    expect(await resolveUser(rootfs, '33:33')).toEqual({ uid: 33, gid: 33, additionalGids: [], home: '/' });
    await rm(join(rootfs, 'etc', 'passwd'), { recursive: true });
  });

  it('rejects a symlink loop in the path', async () => {
    await symlink('loop-b', join(rootfs, 'loop-a'));
    await symlink('loop-a', join(rootfs, 'loop-b'));
    await expect(resolveInRoot(rootfs, '/loop-a/x')).rejects.toThrow(/too many levels/);
  });
});
