import { chmodSync, lchownSync, mkdirSync, statSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import type { Store } from '../store/index.js';
import { createActiveSnapshot, removeActiveSnapshot } from './active-snapshots.js';
import type { ActiveRecord, SnapshotKind } from './active-snapshots.js';
import { commitDiffDir } from './commit-layer.js';
import type { CommitOptions, CommitResult } from './commit-layer.js';
import { recordDirIdentities, writeCopyDiff } from './copy-diff.js';
import { mergeLayersByCopy } from './copy-merge.js';
import { mountOverlay, overlayFeatureOptions, planOverlayMount, unmount } from './mounts.js';
import { overlaySupport } from './overlay-probe.js';
import { readXattrs } from './xattrs.js';

/** Which snapshotter: overlayfs, the copying fallback, or overlayfs where it works (the default). */
export type SnapshotterChoice = SnapshotKind | 'auto';

export interface PrepareSnapshotOptions {
  /** The store root: snapshots live under `<root>/snapshots/`. */
  readonly root: string;
  readonly snapshotter?: SnapshotterChoice;
  readonly signal?: AbortSignal;
}

/**
 * A writable file system over read-only layers (after BuildKit's MutableRef). Order of calls:
 * prepare → change files under `rootfs` (run a container, copy files) → `commit()` once (it ends
 * the snapshot) → `release()` (always, in a finally; idempotent, also after a failed commit).
 */
export interface MutableSnapshot {
  readonly id: string;
  readonly kind: SnapshotKind;
  /** The merged view to change: an overlay mount point, or a full copy. */
  readonly rootfs: string;
  /** Where changes land: the overlay upperdir (for copy snapshots, filled with the diff at commit). */
  readonly upperDir: string;
  /** The lower layers, top first. */
  readonly lowerDirs: readonly string[];
  /**
   * Writes the changes as a new uncompressed layer in the store (undefined when nothing changed)
   * and, by default, keeps them as the unpacked form of that layer. Unmounts the rootfs first.
   */
  commit(store: Store, options?: CommitOptions): Promise<CommitResult | undefined>;
  /** Unmounts (lazily if busy) and removes everything the snapshot made. Idempotent. */
  release(): Promise<void>;
}

/** Snapshots of this process not yet released (for cleanup on SIGINT/SIGTERM). */
const live = new Set<MutableSnapshot>();

/** Releases every snapshot this process still holds (a signal handler's last act). */
export async function releaseAllSnapshots(): Promise<void> {
  await Promise.allSettled([...live].map((snapshot) => snapshot.release()));
}

/** Removes duplicate lower dirs, keeping the topmost occurrence (the view is the same; overlayfs refuses repeats). */
function uniqueLowers(lowerDirs: readonly string[]): string[] {
  return [...new Set(lowerDirs)];
}

/** The upperdir's root takes the topmost lower root's owner and mode: overlayfs shows the upper root's. */
function copyRootAttributes(from: string, to: string): void {
  const stats = statSync(from);
  lchownSync(to, stats.uid, stats.gid);
  chmodSync(to, stats.mode & 0o7777);
}

async function mountOverlaySnapshot(record: ActiveRecord, lowers: readonly string[], volatile: boolean): Promise<string> {
  const upper = join(record.dir, 'upper');
  const work = join(record.dir, 'work');
  // synchronous, as createActiveSnapshot's: a few small metadata calls on every step's path
  for (const dir of [upper, work, record.rootfs]) mkdirSync(dir);
  let stack = lowers;
  if (stack.length === 0) {
    stack = [join(record.dir, 'empty')]; // FROM scratch: overlayfs needs one lowerdir
    mkdirSync(stack[0] ?? '', { mode: 0o755 });
  }
  copyRootAttributes(stack[0] ?? '', upper);
  const features = [...overlayFeatureOptions(), ...(volatile ? ['volatile'] : [])];
  const plan = planOverlayMount(stack, { snapshotDir: record.dir, upper, work }, features);
  if (plan.links.length > 0) {
    await mkdir(join(record.dir, 'l'));
    for (const { name, target } of plan.links) await symlink(target, join(record.dir, name));
  }
  await mountOverlay(plan, record.rootfs);
  return upper;
}

async function copySnapshot(record: ActiveRecord, lowers: readonly string[], signal: AbortSignal | undefined): Promise<Map<string, string>> {
  await mkdir(record.rootfs, { mode: 0o755 });
  await mergeLayersByCopy(lowers, record.rootfs, signal ? { signal } : {});
  return recordDirIdentities(record.rootfs);
}

/**
 * Prepares a writable snapshot over `lowerDirs` (unpacked layers, top first; none for FROM
 * scratch). With overlayfs: an overlay mount whose upperdir collects the changes. With the copying
 * snapshotter (chosen, or automatic where overlayfs cannot be mounted): a full copy of the merged
 * layers, diffed against them at commit. A record under `snapshots/active/` lets
 * recoverSnapshots clean up if this process dies before release.
 */
export async function prepareSnapshot(lowerDirs: readonly string[], options: PrepareSnapshotOptions): Promise<MutableSnapshot> {
  const { root, signal } = options;
  signal?.throwIfAborted();
  const lowers = uniqueLowers(lowerDirs);
  const choice = options.snapshotter ?? 'auto';
  const overlay = choice === 'copy' ? undefined : await overlaySupport(root);
  const kind: SnapshotKind = choice === 'auto' ? (overlay?.available === true ? 'overlay' : 'copy') : choice;
  const record = createActiveSnapshot(root, kind, lowers);
  let identities = new Map<string, string>();
  let upperDir = join(record.dir, 'upper');
  try {
    if (kind === 'overlay') upperDir = await mountOverlaySnapshot(record, lowers, overlay?.volatile === true);
    else identities = await copySnapshot(record, lowers, signal);
    signal?.throwIfAborted();
  } catch (err) {
    await removeActiveSnapshot(root, record.id);
    throw err;
  }
  let released: Promise<void> | undefined;
  let committed = false;
  const snapshot: MutableSnapshot = {
    id: record.id,
    kind,
    rootfs: record.rootfs,
    upperDir,
    lowerDirs: lowers,
    async commit(store, commitOptions = {}) {
      if (released !== undefined || committed) {
        throw new BuildError('SNAPSHOT_FAILED', `snapshot ${record.id} was already ${committed ? 'committed' : 'released'}`);
      }
      committed = true;
      if (kind === 'overlay') {
        // overlayfs leaves the upper directory as it is at unmount: its xattrs are read meanwhile
        const xattrs = readXattrs(upperDir).then((read) => read.table);
        const [unmounted] = await Promise.allSettled([unmount(record.rootfs), xattrs]);
        if (unmounted.status === 'rejected') throw unmounted.reason;
        return commitDiffDir(store, upperDir, { ...commitOptions, xattrs });
      } else {
        await mkdir(upperDir);
        await writeCopyDiff(record.rootfs, lowers, upperDir, {
          identities,
          scratchDir: record.dir,
          ...(commitOptions.signal ? { signal: commitOptions.signal } : {}),
        });
      }
      return commitDiffDir(store, upperDir, commitOptions);
    },
    release() {
      released ??= (async () => {
        try {
          await removeActiveSnapshot(root, record.id);
          live.delete(snapshot);
        } catch (err) {
          released = undefined; // let a later call try again
          throw err;
        }
      })();
      return released;
    },
  };
  live.add(snapshot);
  return snapshot;
}
