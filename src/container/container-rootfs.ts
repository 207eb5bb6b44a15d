/**
 * A container's root file system: an overlay of the image's unpacked layers (read-only, shared
 * with builds and other containers) with the container's own upper and work directories, which
 * stay until `rm` (docker's writable container layer). Mounted while the container runs.
 */
import { mkdir, readdir, rm, stat, symlink, chmod, lchown } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { mountOverlay, mountPointsUnder, overlayFeatureOptions, planOverlayMount, unmount } from '../snapshot/mounts.js';
import { containerDir } from './layout.js';

export function rootfsDir(root: string, id: string): string {
  return join(containerDir(root, id), 'rootfs');
}

async function isEmptyDir(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0;
  } catch {
    return true;
  }
}

/** Mounts the container's rootfs (creating its upper layer on first use); returns the mount point. */
export async function mountContainerRootfs(root: string, id: string, lowerDirs: readonly string[]): Promise<string> {
  const dir = containerDir(root, id);
  const [upper, work, rootfs] = [join(dir, 'upper'), join(dir, 'work'), rootfsDir(root, id)];
  const fresh = await isEmptyDir(upper);
  await Promise.all([mkdir(upper, { recursive: true }), mkdir(work, { recursive: true }), mkdir(rootfs, { recursive: true })]);
  let lowers = [...new Set(lowerDirs)];
  if (lowers.length === 0) {
    // An image without layers: overlayfs needs one lower directory.
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true, mode: 0o755 });
    lowers = [empty];
  }
  const top = lowers[0] ?? '';
  if (fresh) {
    // The merged root takes the upper root's owner and mode: give it the image's.
    const info = await stat(top);
    await lchown(upper, info.uid, info.gid);
    await chmod(upper, info.mode & 0o7777);
  }
  const plan = planOverlayMount(lowers, { snapshotDir: dir, upper, work }, overlayFeatureOptions());
  if (plan.links.length > 0) {
    await rm(join(dir, 'l'), { recursive: true, force: true });
    await mkdir(join(dir, 'l'));
    for (const { name, target } of plan.links) await symlink(target, join(dir, name));
  }
  if ((await mountPointsUnder(rootfs)).includes(rootfs)) await unmount(rootfs);
  try {
    await mountOverlay(plan, rootfs);
  } catch (err) {
    throw new BuildError('CONTAINER_START_FAILED', `cannot mount the container's file system: ${(err as Error).message}`, {
      hint: 'stagecraft run needs root and a kernel with overlayfs',
      details: { id, exitCode: 125 },
      cause: err,
    });
  }
  return rootfs;
}

/** Unmounts everything under the container's directory (its rootfs, its network namespace), deepest first. */
export async function unmountContainer(root: string, id: string): Promise<void> {
  for (const point of await mountPointsUnder(containerDir(root, id))) await unmount(point);
}

/** Whether anything is still mounted under the container's directory. */
export async function containerMounts(root: string, id: string): Promise<string[]> {
  return mountPointsUnder(containerDir(root, id));
}
