import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTsChild, waitForChild, waitForLine } from '../store/testing/spawn-child.js';
import { activeRecordPath, recoverSnapshots } from './active-snapshots.js';
import type { SnapshotKind } from './active-snapshots.js';
import { activeDir, layersDir, TEMP_MARKER } from './layout.js';
import { listMountPoints } from './mounts.js';
import { overlayAvailable } from './overlay-probe.js';
import { prepareSnapshot } from './prepare-snapshot.js';
import { currentOwner } from './process-owner.js';
import { isRoot, layerFromSpecs } from './testing/fixtures.js';
import { unpackLayer } from './unpack-layer.js';

let work: string;
let root: string;
let overlay = false;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sc-recover-'));
  root = join(work, 'root');
  await mkdir(root);
  if (isRoot) overlay = await overlayAvailable(root);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

if (!isRoot) console.warn('snapshot recovery tests need root (mounts): skipped');

const kinds: SnapshotKind[] = ['overlay', 'copy'];

describe.runIf(isRoot).each(kinds)('recoverSnapshots after a %s snapshot holder is killed with SIGKILL', (kind) => {
  it('unmounts and removes what the dead process left, and leaves live snapshots alone', async () => {
    if (kind === 'overlay' && !overlay) {
      console.warn('overlayfs cannot be mounted here: overlay crash test skipped');
      return;
    }
    const lower = await unpackLayer({ root }, await layerFromSpecs(join(work, `base-${kind}.tar`), [{ path: 'etc/os-release', content: 'x' }]));
    const mine = await prepareSnapshot([lower], { root, snapshotter: kind });
    try {
      const child = spawnTsChild('../../snapshot/testing/child-prepare.ts', [root, JSON.stringify([lower]), kind]);
      const exited = waitForChild(child);
      let rootfs = '';
      child.stdout.on('data', (d: Buffer) => (rootfs ||= d.toString().split('\n')[0] ?? ''));
      await waitForLine(child, 'ready');
      expect(await readFile(join(rootfs, 'written-by-child'), 'utf8')).toBe('x');
      if (kind === 'overlay') expect(await listMountPoints()).toContain(rootfs);
      child.kill('SIGKILL');
      expect((await exited).signal).toBe('SIGKILL');
      const childId = rootfs.split('/').at(-2) ?? '';

      const report = await recoverSnapshots(root);
      expect(report.removedSnapshots).toEqual([childId]);
      expect(await listMountPoints()).not.toContain(rootfs);
      expect(await readdir(activeDir(root))).toEqual([mine.id]);
      expect(JSON.parse(await readFile(activeRecordPath(root, mine.id), 'utf8'))).toMatchObject({ id: mine.id, kind, lowerDirs: [lower] });
      // ours still works
      expect(await readFile(join(mine.rootfs, 'etc/os-release'), 'utf8')).toBe('x');
      if (kind === 'overlay') expect(await listMountPoints()).toContain(mine.rootfs);
    } finally {
      await mine.release();
    }
  });
});

describe.runIf(isRoot)('recoverSnapshots and half-made layers', () => {
  it('removes the temp dirs of dead owners and keeps those of live ones', async () => {
    await mkdir(layersDir(root), { recursive: true });
    const dead = `${'a'.repeat(64)}${TEMP_MARKER}4194300-1.0123456789ab`;
    const live = `${'b'.repeat(64)}${TEMP_MARKER}${currentOwner()}.0123456789ab`;
    await mkdir(join(layersDir(root), dead, 'fs'), { recursive: true });
    await mkdir(join(layersDir(root), live, 'fs'), { recursive: true });
    const report = await recoverSnapshots(root);
    expect(report.removedTemps).toBe(1);
    expect(existsSync(join(layersDir(root), dead))).toBe(false);
    expect(existsSync(join(layersDir(root), live))).toBe(true);
  });

  it('removes the snapshot of a dead owner recorded as earlier versions did (<id>.json beside it)', async () => {
    const id = '4194301-1.0123456789ab';
    await mkdir(join(activeDir(root), id, 'upper'), { recursive: true });
    await writeFile(join(activeDir(root), `${id}.json`), JSON.stringify({ version: 1, id, lowerDirs: [] }));
    const report = await recoverSnapshots(root);
    expect(report.removedSnapshots).toEqual([id]);
    expect(existsSync(join(activeDir(root), id))).toBe(false);
    expect(existsSync(join(activeDir(root), `${id}.json`))).toBe(false);
  });

  it('is a no-op on a root that never had snapshots', async () => {
    expect(await recoverSnapshots(join(work, 'empty-root'))).toEqual({ removedSnapshots: [], removedTemps: 0 });
  });
});
