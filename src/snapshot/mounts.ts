import { existsSync, readFileSync } from 'node:fs';
import { BuildError } from '../errors/index.js';
import { nativeSys } from '../native/sys.js';
import type { NativeSys } from '../native/sys.js';
import { runCommand } from './run-command.js';

/** `\040`-style escapes in /proc/self/mountinfo (space, tab, newline, backslash). */
function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * The mount points of this process's mount namespace, from /proc/self/mountinfo (read directly:
 * a kernel-made file of a few kilobytes, read at least twice per snapshot).
 */
export async function listMountPoints(): Promise<string[]> {
  let text: string;
  try {
    text = await Promise.resolve().then(() => readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    return [];
  }
  const points: string[] = [];
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (field !== undefined) points.push(unescapeMountPath(field));
  }
  return points;
}

/** Mount points at or below `dir`, deepest first (the order to unmount them in). */
export async function mountPointsUnder(dir: string): Promise<string[]> {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const found = (await listMountPoints()).filter((point) => point === dir || point.startsWith(prefix));
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

async function isMounted(path: string): Promise<boolean> {
  return (await listMountPoints()).includes(path);
}

/** How many mounts stacked on one point an unmount takes off before it gives up. */
const MAX_STACKED = 16;

function cannotUnmount(path: string, reason: string): BuildError {
  return new BuildError('SNAPSHOT_FAILED', `cannot unmount ${path}: ${reason}`, {
    hint: 'unmount it by hand (`umount -l`), then run the build again',
    details: { path, stderr: reason },
  });
}

/**
 * umount2 until nothing is mounted at `path` any more (EINVAL: not a mount point), lazily
 * (MNT_DETACH) when a mount is busy. No /proc/self/mountinfo reads and no processes.
 */
async function unmountWithSyscalls(sys: NativeSys, path: string): Promise<void> {
  let count: number;
  try {
    count = await sys.umountAll(path, MAX_STACKED);
  } catch (err) {
    throw cannotUnmount(path, (err as Error).message);
  }
  if (count > MAX_STACKED) throw cannotUnmount(path, `more than ${String(MAX_STACKED)} mounts are stacked on it`);
}

/**
 * Unmounts `path` (every mount stacked on it): a plain unmount first, then a lazy one (`umount -l`)
 * when something still uses it — the mount leaves the tree at once and the kernel frees it when
 * the last user goes. Unmounting what is not mounted is not an error. With the native addon these
 * are umount2 calls; without it, umount(8) runs, checked against /proc/self/mountinfo.
 */
export async function unmount(path: string): Promise<void> {
  const sys = nativeSys();
  if (sys !== undefined) return unmountWithSyscalls(sys, path);
  if (!(await isMounted(path))) return;
  let result = await runCommand('umount', [path]);
  // Still mounted: busy, or several mounts stacked on one point. Detach lazily, a bounded number of times.
  for (let attempt = 0; attempt < MAX_STACKED && (await isMounted(path)); attempt++) result = await runCommand('umount', ['-l', path]);
  if (await isMounted(path)) throw cannotUnmount(path, result.stderr || 'it is still mounted');
}

/** The kernel copies at most one page of mount data (4096 bytes, with its terminating NUL). */
export const MOUNT_DATA_LIMIT = 4095;
/** overlayfs refuses more lower layers than this (OVL_MAX_STACK). */
export const MAX_LOWER_LAYERS = 500;

/** Paths that need no escaping in overlayfs options (`:` `,` `\` and whitespace do). */
const PLAIN_PATH = /^[A-Za-z0-9_./+@%=-]+$/;

/**
 * overlayfs features that would make an upperdir more than a plain diff (redirected directory
 * renames, metadata-only copy-ups, the inode index): turned off where this kernel knows them.
 */
export function overlayFeatureOptions(parameters = '/sys/module/overlay/parameters'): string[] {
  const options: string[] = [];
  if (existsSync(`${parameters}/index`)) options.push('index=off');
  if (existsSync(`${parameters}/redirect_dir`)) options.push('redirect_dir=off');
  if (existsSync(`${parameters}/metacopy`)) options.push('metacopy=off');
  return options;
}

export interface OverlayMountPlan {
  /** The `-o` data for mount(8). */
  readonly data: string;
  /** Run mount from here (relative paths in `data`), or undefined for absolute paths. */
  readonly cwd: string | undefined;
  /** Short symlinks to create first, `name → lower dir`, relative to `cwd`. */
  readonly links: ReadonlyArray<{ readonly name: string; readonly target: string }>;
}

/**
 * How to mount an overlay of `lowers` (top first): with absolute paths when they are plain and
 * fit in one page; otherwise from `snapshotDir` as cwd, through short symlinks `l/0`, `l/1`, ...
 * to each lower (overlayfs resolves them when mounting), with `upper` and `work` relative.
 */
export function planOverlayMount(
  lowers: readonly string[],
  dirs: { readonly snapshotDir: string; readonly upper: string; readonly work: string },
  features: readonly string[],
): OverlayMountPlan {
  if (lowers.length === 0) throw new Error('an overlay needs at least one lower directory');
  if (lowers.length > MAX_LOWER_LAYERS) {
    throw new BuildError('SNAPSHOT_FAILED', `an image with ${lowers.length} layers cannot be mounted: overlayfs stacks at most ${MAX_LOWER_LAYERS}`, {
      hint: 'squash the base image into fewer layers',
      details: { layers: lowers.length },
    });
  }
  const extra = features.map((option) => `,${option}`).join('');
  const absolute = `lowerdir=${lowers.join(':')},upperdir=${dirs.upper},workdir=${dirs.work}${extra}`;
  if (absolute.length <= MOUNT_DATA_LIMIT && [...lowers, dirs.upper, dirs.work].every((path) => PLAIN_PATH.test(path))) {
    return { data: absolute, cwd: undefined, links: [] };
  }
  const links = lowers.map((target, index) => ({ name: `l/${index}`, target }));
  const relative = `lowerdir=${links.map((l) => l.name).join(':')},upperdir=upper,workdir=work${extra}`;
  if (relative.length > MOUNT_DATA_LIMIT) {
    throw new BuildError('SNAPSHOT_FAILED', `the overlay mount options for ${lowers.length} layers do not fit in one page`, {
      details: { layers: lowers.length },
    });
  }
  return { data: relative, cwd: dirs.snapshotDir, links };
}

function mountFailed(target: string, data: string, reason: string): BuildError {
  return new BuildError('SNAPSHOT_FAILED', `mounting an overlay at ${target} failed: ${reason}`, {
    hint: "overlayfs needs root and a kernel with overlay support; use the copying snapshotter (`snapshotter: 'copy'`) where it is missing",
    details: { target, data, stderr: reason },
  });
}

/**
 * Mounts an overlay at `target` following a plan (the symlinks must exist): with a mount(2) call
 * from the native addon, or mount(8) without it or when the plan's paths are relative to a
 * directory (a process's working directory is the only way to give it).
 */
export async function mountOverlay(plan: OverlayMountPlan, target: string): Promise<void> {
  const sys = nativeSys();
  if (sys !== undefined && plan.cwd === undefined) {
    try {
      await sys.mount('overlay', target, 'overlay', 0, plan.data);
    } catch (err) {
      throw mountFailed(target, plan.data, (err as Error).message);
    }
    return;
  }
  const result = await runCommand('mount', ['-t', 'overlay', 'overlay', '-o', plan.data, target], plan.cwd !== undefined ? { cwd: plan.cwd } : {});
  if (result.code !== 0) throw mountFailed(target, plan.data, result.stderr || `exit code ${String(result.code)}`);
}
