import { rm } from 'node:fs/promises';
import { BuildError } from '../errors/index.js';
import type { ContainerRecord } from './container-record.js';
import { releaseContainerName } from './container-names.js';
import { containerMounts, unmountContainer } from './container-rootfs.js';
import { containerDir } from './layout.js';
import { runcForceDelete } from './runc-control.js';

/**
 * Deletes a container that no longer runs: whatever runc still has of it, its mounts, its
 * directory (upper layer, logs, state) and its name. Refuses to delete a directory something is
 * still mounted in (removing it would reach into the mount).
 */
export async function removeContainerFiles(root: string, record: ContainerRecord): Promise<void> {
  await runcForceDelete(root, record.id);
  await unmountContainer(root, record.id);
  const left = await containerMounts(root, record.id);
  if (left.length > 0) {
    throw new BuildError('CONTAINER_RUNNING', `cannot remove container ${record.id.slice(0, 12)}: ${left.join(', ')} is still mounted`, {
      hint: 'unmount it by hand (umount -l), then remove the container again',
      details: { id: record.id, mounted: left },
    });
  }
  await rm(containerDir(root, record.id), { recursive: true, force: true });
  await releaseContainerName(root, record.name, record.id);
}
