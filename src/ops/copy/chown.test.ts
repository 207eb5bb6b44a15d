import { chown, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildError } from '../../errors/index.js';
import { applyCopy } from './apply-copy.js';
import { resolveChown, resolveChownFromFiles } from './chown.js';
import { describeTree, tempDir, writeTree } from './testing/tree.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\nweb:x:33:33::/var/www:/bin/false\n';
const GROUP = 'root:x:0:\n# a comment\ngrp:x:2000:app\nweb:x:33:\n';
const isRoot = process.getuid?.() === 0;

// --chown value -> uid:gid, with BuildKit's rules (a lone number is also the group)
const RESOLVED: readonly (readonly [string, string])[] = [
  ['app', '1000:1001'],
  ['1234', '1234:1234'],
  ['app:grp', '1000:2000'],
  ['app:55', '1000:55'],
  ['55:grp', '55:2000'],
  ['root', '0:0'],
  ['root:root', '0:0'],
  [':grp', '0:2000'],
  ['web', '33:33'],
  ['1000:1000', '1000:1000'],
];

const FAILING: readonly (readonly [string, string, string])[] = [
  ['nobody', 'USER_NOT_FOUND', 'unable to find user nobody for --chown=nobody: no matching entries in /etc/passwd'],
  ['app:nogroup', 'USER_NOT_FOUND', 'unable to find group nogroup for --chown=app:nogroup: no matching entries in /etc/group'],
  ['-1', 'INVALID_COPY_OPTION', 'invalid --chown=-1: ids must be in range 0-2147483647'],
  ['1:99999999999', 'INVALID_COPY_OPTION', 'invalid --chown=1:99999999999: ids must be in range 0-2147483647'],
];

describe('--chown resolution', () => {
  for (const [spec, expected] of RESOLVED) {
    it(`${spec} -> ${expected}`, () => {
      const owner = resolveChownFromFiles(spec, { passwd: PASSWD, group: GROUP });
      expect(`${String(owner.uid)}:${String(owner.gid)}`).toBe(expected);
    });
  }
  for (const [spec, code, message] of FAILING) {
    it(`${spec} fails with ${code}`, () => {
      let error: unknown;
      try {
        resolveChownFromFiles(spec, { passwd: PASSWD, group: GROUP });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BuildError);
      expect((error as BuildError).code).toBe(code);
      expect((error as BuildError).message).toBe(message);
    });
  }

  it('reads the destination rootfs files, following their symlinks inside it', async () => {
    const root = await tempDir();
    try {
      await writeTree(root.path, { 'real/passwd': PASSWD, 'real/group': GROUP, 'etc/passwd': { symlink: '/real/passwd' }, 'etc/group': { symlink: '../real/group' } });
      expect(await resolveChown(root.path, 'app:grp')).toEqual({ uid: 1000, gid: 2000 });
      // numbers need no files at all
      expect(await resolveChown(join(root.path, 'nonexistent'), '5:6')).toEqual({ uid: 5, gid: 6 });
    } finally {
      await root.remove();
    }
  });
});

describe.runIf(isRoot)('owners of copied files (as root)', () => {
  let context: string;
  let destRoot: string;
  let cleanup: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    const ctx = await tempDir();
    const dst = await tempDir();
    context = ctx.path;
    destRoot = dst.path;
    cleanup = [ctx.remove, dst.remove];
    await writeTree(context, { 'f.txt': 'f', 'd/g': 'g', 'd/link': { symlink: 'g' } });
    for (const path of ['f.txt', 'd', 'd/g']) await chown(join(context, path), 5000, 5001);
    await writeTree(destRoot, { 'etc/passwd': PASSWD, 'etc/group': GROUP });
  });
  afterEach(async () => {
    for (const remove of cleanup) await remove();
  });

  const owners = async (): Promise<string[]> => (await describeTree(destRoot, { owners: true })).filter((line) => !line.startsWith('etc'));

  it('files from the build context become root:root', async () => {
    await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['f.txt', 'd'], destination: '/o/' });
    expect(await owners()).toEqual(['o/ 0755 0:0', 'o/f.txt 0644 0:0 "f"', 'o/g 0644 0:0 "g"', 'o/link -> g 0:0']);
  });

  it('files from another stage keep their owners', async () => {
    await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'stage' }, sources: ['f.txt', 'd'], destination: '/o/' });
    expect(await owners()).toEqual(['o/ 0755 0:0', 'o/f.txt 0644 5000:5001 "f"', 'o/g 0644 5000:5001 "g"', 'o/link -> g 0:0']);
  });

  it('--chown by name owns the files and the directories the copy creates', async () => {
    await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['f.txt', 'd'], destination: '/srv/o/', chown: 'app:grp' });
    expect(await owners()).toEqual(['srv/ 0755 1000:2000', 'srv/o/ 0755 1000:2000', 'srv/o/f.txt 0644 1000:2000 "f"', 'srv/o/g 0644 1000:2000 "g"', 'srv/o/link -> g 1000:2000']);
  });

  it('--chown by number needs no passwd entry', async () => {
    await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['f.txt'], destination: '/n', chown: '4242' });
    const st = await lstat(join(destRoot, 'n'));
    expect([st.uid, st.gid]).toEqual([4242, 4242]);
  });

  it('an unknown name fails before anything is written', async () => {
    const error = await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['f.txt'], destination: '/x/', chown: 'ghost' }).catch((e: unknown) => e);
    expect((error as BuildError).code).toBe('USER_NOT_FOUND');
    expect(await owners()).toEqual([]);
  });
});
