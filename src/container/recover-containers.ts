/**
 * Cleaning up after a supervisor that died (kill -9, a crash, a reboot): every command that looks
 * at containers first finds records whose supervising process is gone, kills and deletes what runc
 * still runs of them, ends their slirp4netns, unmounts their rootfs and network namespace, and
 * marks them exited (137 when the process had to be killed, 255 when its end was not seen).
 * Containers of live supervisors are left alone.
 */
import { readFile, rm } from 'node:fs/promises';
import { kill } from 'node:process';
import { isSupervisorAlive } from './supervisor-owner.js';
import type { ContainerRecord } from './container-record.js';
import { listContainerIds, readContainerRecord, updateContainerRecord } from './container-record.js';
import { netnsPath } from './container-network.js';
import { unmountContainer } from './container-rootfs.js';
import { removeContainerFiles } from './remove-container.js';
import { runcForceDelete, runcState } from './runc-control.js';

export const SUPERVISOR_DIED = 'the process supervising the container ended unexpectedly';

async function isSlirp(pid: number, netns: string): Promise<boolean> {
  try {
    const cmdline = (await readFile(`/proc/${String(pid)}/cmdline`, 'utf8')).split('\0');
    return cmdline.some((arg) => arg.endsWith('slirp4netns')) && cmdline.includes(netns);
  } catch {
    return false;
  }
}

/** Whether the record's supervisor is gone while the record says it is being started or runs. */
export async function isOrphaned(record: ContainerRecord): Promise<boolean> {
  return record.owner !== undefined && !(await isSupervisorAlive(record.owner));
}

/** Cleans up one container whose supervisor died; returns its record afterwards (undefined when removed). */
export async function recoverContainer(root: string, record: ContainerRecord): Promise<ContainerRecord | undefined> {
  if (!(await isOrphaned(record))) return record;
  const { id } = record;
  const alive = (await runcState(root, id))?.status === 'running';
  await runcForceDelete(root, id);
  if (record.slirpPid !== undefined && (await isSlirp(record.slirpPid, netnsPath(root, id)))) {
    try {
      kill(record.slirpPid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await unmountContainer(root, id);
  await rm(netnsPath(root, id), { force: true });
  const latest = (await readContainerRecord(root, id)) ?? record;
  if (latest.owner !== record.owner) return latest; // a new supervisor took over meanwhile
  const next =
    latest.status === 'running'
      ? await updateContainerRecord(root, id, { status: 'exited', exitCode: alive ? 137 : 255, finishedAt: new Date().toISOString(), error: SUPERVISOR_DIED })
      : await updateContainerRecord(root, id, { owner: undefined, slirpPid: undefined, pid: undefined, error: SUPERVISOR_DIED });
  if (next !== undefined && next.autoRemove) {
    await removeContainerFiles(root, next);
    return undefined;
  }
  return next;
}

/** Recovers every orphaned container under the root; returns the ids it cleaned up. */
export async function recoverContainers(root: string): Promise<string[]> {
  const recovered: string[] = [];
  for (const id of await listContainerIds(root)) {
    const record = await readContainerRecord(root, id).catch(() => undefined);
    if (record === undefined || !(await isOrphaned(record))) continue;
    await recoverContainer(root, record);
    recovered.push(id);
  }
  return recovered;
}
