import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { createActiveSnapshot, removeActiveSnapshot } from './active-snapshots.js';
import { snapshotsDir } from './layout.js';
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
  const record = createActiveSnapshot(root, 'overlay', []);
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

/** What a probe found, remembered on disk for this kernel and the file system the root is on. */
interface ProbeRecord extends OverlaySupport {
  readonly kernel: string;
  readonly device: number;
}

function isProbeRecord(value: unknown): value is ProbeRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r['kernel'] === 'string' && typeof r['device'] === 'number' && typeof r['available'] === 'boolean' && typeof r['volatile'] === 'boolean';
}

/**
 * The probe's answer, kept in `snapshots/overlay-support.json` so each build does not mount and
 * unmount a test overlay (two helper processes, 20-60 ms). Probed again when the kernel or the
 * root's file system changes, and every time while it fails. A lost or unreadable record only
 * means probing again.
 */
async function rememberedProbe(root: string): Promise<OverlaySupport> {
  const file = join(snapshotsDir(root), 'overlay-support.json');
  let device: number;
  try {
    device = (await stat(root)).dev;
  } catch {
    return probe(root);
  }
  try {
    const saved: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (isProbeRecord(saved) && saved.kernel === release() && saved.device === device) return { available: saved.available, volatile: saved.volatile };
  } catch {
    // none yet, or unreadable: probe
  }
  const found = await probe(root);
  // only a success is kept: a failure may be passing (not root this time, a full disk)
  if (!found.available) return found;
  try {
    const temp = `${file}.${String(process.pid)}.tmp`;
    await writeFile(temp, JSON.stringify({ kernel: release(), device, ...found } satisfies ProbeRecord));
    await rename(temp, file);
  } catch {
    // not kept: the next build probes again
  }
  return found;
}

/**
 * Whether (and how) an overlayfs can be mounted with its upper and work dirs under `root` (it cannot without
 * root, in most user namespaces, or when `root` is itself on an overlayfs). Mounts a tiny overlay
 * once per root, kernel and file system, and remembers the answer (in the root and in this process).
 */
export function overlaySupport(root: string): Promise<OverlaySupport> {
  let result = probes.get(root);
  if (result === undefined) {
    result = rememberedProbe(root);
    probes.set(root, result);
  }
  return result;
}

export async function overlayAvailable(root: string): Promise<boolean> {
  return (await overlaySupport(root)).available;
}
