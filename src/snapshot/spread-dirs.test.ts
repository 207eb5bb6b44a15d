import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeDir, layersDir, snapshotsDir } from './layout.js';
import { nativeSysStatus } from '../native/sys.js';
import { spreadSnapshotDirs } from './spread-dirs.js';

/** The `T` flag as lsattr shows it, or undefined where lsattr cannot tell (not ext2/3/4, no e2fsprogs). */
function topDirFlag(dir: string): boolean | undefined {
  const out = spawnSync('lsattr', ['-d', dir], { encoding: 'utf8' });
  if (out.status !== 0) return undefined;
  return (out.stdout.split(' ')[0] ?? '').includes('T');
}

describe('spreadSnapshotDirs', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'stagecraft-spread-'));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('makes snapshots/active and snapshots/layers and marks them top directories where the file system can', () => {
    const root = join(base, 'store');
    spreadSnapshotDirs(root);
    expect(existsSync(activeDir(root))).toBe(true);
    expect(existsSync(layersDir(root))).toBe(true);
    const flag = topDirFlag(activeDir(root));
    if (flag !== undefined) {
      expect(flag).toBe(true);
      expect(topDirFlag(layersDir(root))).toBe(true);
    }
  });

  it('marks them again in a copy of the store (cp -a keeps the marker, not the flag)', () => {
    const root = join(base, 'copied');
    spawnSync('mkdir', ['-p', activeDir(root), layersDir(root)]);
    spawnSync('touch', [join(snapshotsDir(root), '.topdir-v1')]);
    spreadSnapshotDirs(root);
    const flag = topDirFlag(activeDir(root));
    if (flag !== undefined && nativeSysStatus().available) expect(flag).toBe(true);
  });

  it('with chattr (no addon): runs it once per store, noted by the marker', () => {
    const root = join(base, 'by-chattr');
    spreadSnapshotDirs(root, { chattr: 'chattr' });
    expect(existsSync(join(snapshotsDir(root), '.topdir-v1'))).toBe(true);
    const flag = topDirFlag(layersDir(root));
    if (flag !== undefined) expect(flag).toBe(true);
  });

  it('goes on without chattr (the directories made, the marker written so it is not tried again)', () => {
    const root = join(base, 'no-chattr');
    spreadSnapshotDirs(root, { chattr: join(base, 'no-such-chattr') });
    expect(existsSync(activeDir(root))).toBe(true);
    expect(existsSync(join(snapshotsDir(root), '.topdir-v1'))).toBe(true);
    if (topDirFlag(activeDir(root)) !== undefined) expect(topDirFlag(activeDir(root))).toBe(false);
  });
});
