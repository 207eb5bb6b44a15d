/**
 * A container as stored in `containers/<id>/state.json`: what `run` asked for (fixed when it is
 * created) and its status (changed by the process that supervises it, or by a later command that
 * cleans up after a supervisor that died). Every write is a whole new file renamed into place, so
 * a reader sees the old record or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { BuildError } from '../errors/index.js';
import { CONTAINER_ID_PATTERN, containersDir, stateFile } from './layout.js';

export type ContainerStatus = 'created' | 'running' | 'exited';
export type ContainerNetwork = 'private' | 'host' | 'none';
export type PortProtocol = 'tcp' | 'udp';

/** One `-p`: host 127.0.0.1:hostPort forwarded to the container's port. */
export interface PortMapping {
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: PortProtocol;
}

/** One `-v SRC:DST[:ro]`: a host path bound into the container. */
export interface VolumeMount {
  readonly source: string;
  readonly destination: string;
  readonly readonly: boolean;
}

export interface ContainerRecord {
  readonly version: 1;
  /** 64 hex digits. */
  readonly id: string;
  readonly name: string;
  /** The image as the user named it (shown by ps). */
  readonly image: string;
  /** The image ID (config digest) and manifest digest it was created from. */
  readonly imageId: string;
  readonly imageDigest: string;
  /** ISO time of creation. */
  readonly created: string;
  /** The process: ENTRYPOINT + CMD after docker's rules; `path` is args[0]. */
  readonly args: readonly string[];
  readonly env: readonly string[];
  /** USER as given (`name|uid[:group|gid]`), empty for root. */
  readonly user: string;
  readonly workdir: string;
  readonly hostname: string;
  readonly network: ContainerNetwork;
  readonly ports: readonly PortMapping[];
  /** The image's ExposedPorts (`3000/tcp`), shown by ps while running. */
  readonly exposedPorts: readonly string[];
  readonly volumes: readonly VolumeMount[];
  /** The image's STOPSIGNAL (or --stop-signal), as a name runc understands (`TERM`, `USR1`, `RTMIN+3`). */
  readonly stopSignal: string;
  /** Seconds `stop` waits before SIGKILL when -t is not given. */
  readonly stopTimeout: number;
  /** `--rm`: removed once it exits. */
  readonly autoRemove: boolean;
  /** The image's unpacked layers, top first (overlay lowerdirs). */
  readonly lowerDirs: readonly string[];

  readonly status: ContainerStatus;
  /** The process supervising it (`PID-STARTTIME`) while it is being started or runs. */
  readonly owner?: string;
  /** The container's first process, as the host sees it. */
  readonly pid?: number;
  readonly slirpPid?: number;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly exitCode?: number;
  /** Why it could not start, or what went wrong around it. */
  readonly error?: string;
}

type MutableField = 'status' | 'owner' | 'pid' | 'slirpPid' | 'startedAt' | 'finishedAt' | 'exitCode' | 'error';

/** Fields to change; `undefined` removes one. */
export type ContainerUpdate = { readonly [K in MutableField]?: ContainerRecord[K] | undefined };

/** Fields a status change clears unless it sets them again. */
const TRANSIENT = ['owner', 'pid', 'slirpPid'] as const;

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

/** Writes `record` to its state.json atomically (temp file, fsync, rename). */
export async function writeContainerRecord(root: string, record: ContainerRecord): Promise<void> {
  const path = stateFile(root, record.id);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(record, null, 2) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** The record of container `id`, or undefined when there is none (removed, or never made). */
export async function readContainerRecord(root: string, id: string): Promise<ContainerRecord | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile(root, id), 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as ContainerRecord;
  } catch (err) {
    throw new BuildError('STORE_CORRUPT', `the state of container ${id.slice(0, 12)} cannot be read: ${(err as Error).message}`, {
      hint: `remove ${stateFile(root, id)} by hand (and unmount what is under its directory)`,
      details: { id },
      cause: err,
    });
  }
}

/**
 * Applies `update` to the stored record and returns the new one (undefined when the container is
 * gone). Changing the status drops the owner, pid and slirp pid unless the update sets them.
 */
export async function updateContainerRecord(root: string, id: string, update: ContainerUpdate): Promise<ContainerRecord | undefined> {
  const current = await readContainerRecord(root, id);
  if (current === undefined) return undefined;
  const clearing = update.status !== undefined && update.status !== current.status ? new Set<string>(TRANSIENT) : new Set<string>();
  const merged: Record<string, unknown> = { ...current, ...update };
  const next = Object.fromEntries(Object.entries(merged).filter(([key, value]) => value !== undefined && (!clearing.has(key) || key in update)));
  const record = next as unknown as ContainerRecord;
  await writeContainerRecord(root, record);
  return record;
}

/** The ids of every container directory under the root (in no particular order). */
export async function listContainerIds(root: string): Promise<string[]> {
  try {
    return (await readdir(containersDir(root))).filter((name) => CONTAINER_ID_PATTERN.test(name));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}

/** Every container's record, newest first (as ps lists them). */
export async function listContainerRecords(root: string): Promise<ContainerRecord[]> {
  const records: ContainerRecord[] = [];
  for (const id of await listContainerIds(root)) {
    const record = await readContainerRecord(root, id);
    if (record !== undefined) records.push(record);
  }
  return records.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
}
