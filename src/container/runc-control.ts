/**
 * Talking to runc about a container another process started: its state (`runc state`), signals
 * (`runc kill`), and removing what is left of it (`runc delete -f`). Every call names the same
 * runc state directory (`containers/runc`) as the supervisor that ran it.
 */
import { runCommand } from '../snapshot/run-command.js';
import { runcStateDir } from './layout.js';

export interface RuncState {
  readonly pid: number;
  /** creating, created, running, paused or stopped. */
  readonly status: string;
}

function globalArgs(root: string): string[] {
  return ['--root', runcStateDir(root)];
}

/** runc's view of the container, or undefined when runc has no such container. */
export async function runcState(root: string, id: string): Promise<RuncState | undefined> {
  const result = await runCommand('runc', [...globalArgs(root), 'state', id]);
  if (result.code !== 0) return undefined;
  try {
    const state = JSON.parse(result.stdout) as { pid?: unknown; status?: unknown };
    return { pid: typeof state.pid === 'number' ? state.pid : 0, status: typeof state.status === 'string' ? state.status : 'unknown' };
  } catch {
    return undefined;
  }
}

/** Sends `signal` (a name without SIG, or a number) to the container's first process; false when runc could not. */
export async function runcKill(root: string, id: string, signal: string): Promise<boolean> {
  return (await runCommand('runc', [...globalArgs(root), 'kill', id, signal])).code === 0;
}

/** Kills and deletes whatever runc still has of the container. */
export async function runcForceDelete(root: string, id: string): Promise<void> {
  if ((await runcState(root, id)) === undefined) return;
  await runcKill(root, id, 'KILL');
  await runCommand('runc', [...globalArgs(root), 'delete', '-f', id]);
}
