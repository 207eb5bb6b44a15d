import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { removeTree } from '../native/remove-tree.js';
import { activeDir, layersDir, TEMP_MARKER } from './layout.js';
import { spreadSnapshotDirs } from './spread-dirs.js';
import { mountPointsUnder, unmount } from './mounts.js';
import { isOwnerAlive, ownedName, ownerOf } from './process-owner.js';

/*
 * Every mutable snapshot has a directory `snapshots/active/<id>/` holding its record,
 * `record.json`, written (atomically) before anything is mounted. `<id>` starts with the owner
 * (`PID-STARTTIME`), so when a process dies with snapshots mounted, the next one to call
 * recoverSnapshots sees an owner that is gone, unmounts what is under the directory and removes
 * it. Nothing is removed while anything is still mounted below it.
 *
 * The record lives inside the snapshot's directory, not beside it: `snapshots/active` is a "top
 * directory" (spread-dirs.ts), so each snapshot directory lands in a block group of ext4's choosing
 * with free inodes, while files made in `active` itself pile into its one group. On this project's
 * machines, where builds make and remove thousands of files, creating a record there took 0.8-0.9 ms
 * (ext4 skipping recently freed inodes), against ~0.03 ms inside the new directory. Stores written
 * by earlier versions have `<id>.json` beside the directory; those are still read and removed.
 */

export type SnapshotKind = 'overlay' | 'copy';

export interface ActiveRecord {
  readonly version: 1;
  readonly id: string;
  readonly kind: SnapshotKind;
  readonly dir: string;
  readonly rootfs: string;
  readonly lowerDirs: readonly string[];
  readonly created: string;
}

const RECORD_NAME = 'record.json';
/** The suffix of the records earlier versions wrote beside the snapshot's directory. */
const LEGACY_RECORD_SUFFIX = '.json';

/** Where the record of snapshot `id` is. */
export function activeRecordPath(root: string, id: string): string {
  return join(activeDir(root), id, RECORD_NAME);
}

function legacyRecordPath(root: string, id: string): string {
  return join(activeDir(root), `${id}${LEGACY_RECORD_SUFFIX}`);
}

/**
 * What a name in `snapshots/active` stands for (not a temp file): the snapshot id, and where its
 * record is (inside the directory, or `<id>.json` beside it as earlier versions wrote it).
 */
export function activeEntry(root: string, name: string): { readonly id: string; readonly record: string } {
  if (!name.endsWith(LEGACY_RECORD_SUFFIX)) return { id: name, record: activeRecordPath(root, name) };
  const id = name.slice(0, -LEGACY_RECORD_SUFFIX.length);
  return { id, record: legacyRecordPath(root, id) };
}

/**
 * Creates the directory of a new snapshot and its record. Synchronous calls: four small metadata
 * operations, on the path of every RUN and COPY step, took as many thread-pool round trips (2-3 ms
 * while the pool was busy with the commits of parallel stages).
 */
export function createActiveSnapshot(root: string, kind: SnapshotKind, lowerDirs: readonly string[]): ActiveRecord {
  const active = activeDir(root);
  spreadSnapshotDirs(root);
  mkdirSync(active, { recursive: true });
  const id = ownedName();
  const dir = join(active, id);
  const record: ActiveRecord = { version: 1, id, kind, dir, rootfs: join(dir, 'rootfs'), lowerDirs, created: new Date().toISOString() };
  mkdirSync(dir);
  // Not fsynced: the record only has to outlive this process (page cache survives a kill -9);
  // after a power loss no mount is left, and a directory without a record is recognised by its
  // name, whose owner is gone. Written whole under a temp name: a reader never sees half of it.
  const temp = join(dir, `${TEMP_MARKER}${RECORD_NAME}`);
  writeFileSync(temp, JSON.stringify(record, null, 2), { flag: 'wx' });
  renameSync(temp, activeRecordPath(root, id));
  return record;
}

/**
 * Unmounts everything under a snapshot's directory, then removes the directory (its record with
 * it). Refuses to remove a directory something is still mounted in (it would reach into the mount).
 */
export async function removeActiveSnapshot(root: string, id: string): Promise<void> {
  const dir = join(activeDir(root), id);
  const mounted = await mountPointsUnder(dir);
  for (const point of mounted) await unmount(point);
  // looked at again only when something was unmounted (a committed snapshot is unmounted already)
  const left = mounted.length > 0 ? await mountPointsUnder(dir) : [];
  if (left.length > 0) {
    throw new BuildError('SNAPSHOT_FAILED', `cannot remove snapshot ${id}: ${left.join(', ')} is still mounted`, { details: { id, mounted: left } });
  }
  // One thread-pool job with the addon: the build's thread is not held up by the dozen calls an
  // overlay snapshot's little tree takes (the mount point, overlay's work directory), and a copy
  // snapshot's full tree is removed without blocking either.
  await removeTree(dir);
}

export interface RecoveryReport {
  /** Snapshots of dead processes that were unmounted and removed. */
  readonly removedSnapshots: readonly string[];
  /** Half-made layer directories of dead processes that were removed. */
  readonly removedTemps: number;
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Cleans up after processes that died while holding snapshots (kill -9, a crash, a lost machine
 * state): unmounts and removes their active snapshots and removes their half-unpacked layers.
 * Snapshots of live processes (another build running on the same root) are left alone. Call it at
 * the start of a build.
 */
export async function recoverSnapshots(root: string): Promise<RecoveryReport> {
  const removedSnapshots: string[] = [];
  const ids = new Set<string>();
  for (const name of await listNames(activeDir(root))) {
    if (name.startsWith(TEMP_MARKER)) {
      const owner = ownerOf(name.slice(TEMP_MARKER.length));
      if (owner !== undefined && !(await isOwnerAlive(owner))) await rm(join(activeDir(root), name), { force: true });
      continue;
    }
    ids.add(activeEntry(root, name).id);
  }
  for (const id of [...ids].sort()) {
    const owner = ownerOf(id);
    if (owner === undefined || (await isOwnerAlive(owner))) continue;
    await removeActiveSnapshot(root, id);
    await rm(legacyRecordPath(root, id), { force: true });
    removedSnapshots.push(id);
  }
  let removedTemps = 0;
  for (const name of await listNames(layersDir(root))) {
    const marker = name.indexOf(TEMP_MARKER);
    if (marker === -1) continue;
    const owner = ownerOf(name.slice(marker + TEMP_MARKER.length));
    if (owner === undefined || (await isOwnerAlive(owner))) continue;
    await rm(join(layersDir(root), name), { recursive: true, force: true });
    removedTemps++;
  }
  return { removedSnapshots, removedTemps };
}
