/**
 * Stopping and removing containers from any process (the one supervising a container may be
 * another): signals go through runc; the supervisor sees its container end, tears it down and
 * records `exited`, which is what these functions wait for. A supervisor found dead on the way is
 * cleaned up after (recoverContainer).
 */
import { BuildError } from '../errors/index.js';
import type { ContainerRecord } from './container-record.js';
import { readContainerRecord } from './container-record.js';
import { recoverContainer } from './recover-containers.js';
import { removeContainerFiles } from './remove-container.js';
import { runcKill } from './runc-control.js';

const POLL_MS = 25;
/** How long to wait for a supervisor to notice a SIGKILLed container and tear it down. */
const AFTER_KILL_MS = 30_000;

function stuck(id: string): BuildError {
  return new BuildError('CONTAINER_RUNNING', `container ${id.slice(0, 12)} did not stop after SIGKILL`, {
    hint: 'its supervisor may be stuck: kill the supervisor process, then `stagecraft ps` cleans up after it',
    details: { id },
  });
}

/** Whether the container runs or is being started by a live process. */
export function isActive(record: ContainerRecord): boolean {
  return record.status === 'running' || record.owner !== undefined;
}

/**
 * Waits until the container is no longer active (or gone); gives up after `timeoutMs` (negative:
 * never) and returns the last record seen.
 */
export async function waitForContainer(root: string, id: string, timeoutMs: number): Promise<ContainerRecord | undefined> {
  const deadline = timeoutMs < 0 ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  for (;;) {
    let record = await readContainerRecord(root, id);
    if (record !== undefined) record = await recoverContainer(root, record);
    if (record === undefined || !isActive(record)) return record;
    if (Date.now() >= deadline) return record;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Sends `signal` (runc's form: `TERM`, `KILL`, `15`) to the container's first process; false when
 * runc has no process for it (not started yet, or ended). A container being started is signalled
 * as soon as runc has made it (its process may already run before the record says `running`).
 */
export async function signalContainer(root: string, record: ContainerRecord, signal: string): Promise<boolean> {
  if (!isActive(record)) return false;
  return runcKill(root, record.id, signal);
}

export interface StopContainerOptions {
  /** Seconds to wait after the stop signal before SIGKILL; default the container's (10); negative waits forever. */
  readonly timeout?: number;
  /** Overrides the container's stop signal. */
  readonly signal?: string;
}

/**
 * `docker stop`: the container's stop signal (the image's STOPSIGNAL, SIGTERM by default), then
 * SIGKILL when it has not ended after the timeout. Resolves once it has ended and been torn down;
 * stopping a container that does not run does nothing.
 */
export async function stopContainer(root: string, record: ContainerRecord, options: StopContainerOptions = {}): Promise<ContainerRecord | undefined> {
  let current = await waitForContainer(root, record.id, 0);
  if (current === undefined || current.status !== 'running') return current;
  const timeout = options.timeout ?? current.stopTimeout;
  await signalContainer(root, current, options.signal ?? current.stopSignal);
  current = await waitForContainer(root, record.id, timeout < 0 ? -1 : timeout * 1000);
  if (current === undefined || !isActive(current)) return current;
  await signalContainer(root, current, 'KILL');
  current = await waitForContainer(root, record.id, AFTER_KILL_MS);
  if (current !== undefined && isActive(current)) throw stuck(record.id);
  return current;
}

/**
 * `docker rm`: deletes a container that does not run (its upper layer, log, state, name);
 * CONTAINER_RUNNING for a running one unless `force`, which kills it first (SIGKILL, as docker).
 */
export async function removeContainer(root: string, record: ContainerRecord, options: { readonly force?: boolean } = {}): Promise<void> {
  let current = await waitForContainer(root, record.id, 0);
  if (current === undefined) return;
  if (isActive(current)) {
    if (options.force !== true) {
      throw new BuildError(
        'CONTAINER_RUNNING',
        `You cannot remove a running container ${record.id}. Stop the container before attempting removal or force remove`,
        { hint: `stagecraft stop ${record.name}, or stagecraft rm -f ${record.name}`, details: { id: record.id } },
      );
    }
    // Kill it (again, while it is still being started) until its supervisor has torn it down.
    const deadline = Date.now() + AFTER_KILL_MS;
    while (current !== undefined && isActive(current)) {
      if (Date.now() > deadline) throw stuck(record.id);
      await signalContainer(root, current, 'KILL');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      current = await waitForContainer(root, record.id, 0);
    }
    if (current === undefined) return;
  }
  await removeContainerFiles(root, current);
}
