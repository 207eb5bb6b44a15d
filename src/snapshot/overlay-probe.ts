import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createActiveSnapshot, removeActiveSnapshot } from './active-snapshots.js';
import { mountOverlay, overlayFeatureOptions, planOverlayMount } from './mounts.js';

/** Probe results by store root, for this process. */
const probes = new Map<string, Promise<boolean>>();

async function probe(root: string): Promise<boolean> {
  const record = await createActiveSnapshot(root, 'overlay', []);
  try {
    const [lower, upper, work] = ['lower', 'upper', 'work'].map((name) => join(record.dir, name)) as [string, string, string];
    await Promise.all([mkdir(lower), mkdir(upper), mkdir(work), mkdir(record.rootfs)]);
    await writeFile(join(lower, 'probe'), 'probe');
    await mountOverlay(planOverlayMount([lower], { snapshotDir: record.dir, upper, work }, overlayFeatureOptions()), record.rootfs);
    return true;
  } catch {
    return false;
  } finally {
    await removeActiveSnapshot(root, record.id);
  }
}

/**
 * Whether an overlayfs can be mounted with its upper and work dirs under `root` (it cannot without
 * root, in most user namespaces, or when `root` is itself on an overlayfs). Mounts a tiny overlay
 * once per root and process, and remembers the answer.
 */
export function overlayAvailable(root: string): Promise<boolean> {
  let result = probes.get(root);
  if (result === undefined) {
    result = probe(root);
    probes.set(root, result);
  }
  return result;
}
