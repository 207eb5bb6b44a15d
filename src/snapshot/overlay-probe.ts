import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createActiveSnapshot, removeActiveSnapshot } from './active-snapshots.js';
import { mountOverlay, overlayFeatureOptions, planOverlayMount } from './mounts.js';

export interface OverlaySupport {
  readonly available: boolean;
  /**
   * Whether the `volatile` mount option works (Linux 5.10+): the overlay then skips syncing its
   * upper dir, above all the sync of the whole upper file system at unmount. Build snapshots are
   * thrown away after a crash anyway (recoverSnapshots), so they need no durability of their own;
   * what is kept is written to the store, which syncs what it commits.
   */
  readonly volatile: boolean;
}

/** Probe results by store root, for this process. */
const probes = new Map<string, Promise<OverlaySupport>>();

async function probe(root: string): Promise<OverlaySupport> {
  const record = await createActiveSnapshot(root, 'overlay', []);
  try {
    const [lower, upper, work] = ['lower', 'upper', 'work'].map((name) => join(record.dir, name)) as [string, string, string];
    await Promise.all([mkdir(lower), mkdir(upper), mkdir(work), mkdir(record.rootfs)]);
    await writeFile(join(lower, 'probe'), 'probe');
    const plan = (extra: readonly string[]) => planOverlayMount([lower], { snapshotDir: record.dir, upper, work }, [...overlayFeatureOptions(), ...extra]);
    try {
      await mountOverlay(plan(['volatile']), record.rootfs);
      return { available: true, volatile: true };
    } catch {
      await mountOverlay(plan([]), record.rootfs);
      return { available: true, volatile: false };
    }
  } catch {
    return { available: false, volatile: false };
  } finally {
    await removeActiveSnapshot(root, record.id);
  }
}

/**
 * Whether (and how) an overlayfs can be mounted with its upper and work dirs under `root` (it cannot without
 * root, in most user namespaces, or when `root` is itself on an overlayfs). Mounts a tiny overlay
 * once per root and process, and remembers the answer.
 */
export function overlaySupport(root: string): Promise<OverlaySupport> {
  let result = probes.get(root);
  if (result === undefined) {
    result = probe(root);
    probes.set(root, result);
  }
  return result;
}

export async function overlayAvailable(root: string): Promise<boolean> {
  return (await overlaySupport(root)).available;
}
