/**
 * Who supervises a container: `PID-STARTTIME` (the process id and its start time, field 22 of
 * /proc/PID/stat, so a reused pid is not taken for the old process), the same form the
 * snapshotter uses for its owners. A zombie counts as dead: a detached supervisor whose parent
 * is gone may be left unreaped by a PID 1 that does not reap, and it supervises nothing any more.
 */
import { readFile } from 'node:fs/promises';
import { currentOwner } from '../snapshot/process-owner.js';

export { currentOwner };

const OWNER_PATTERN = /^(\d+)-(\d+)$/;

/** State (field 3) and start time (field 22) of /proc/PID/stat, or undefined when there is no such process. */
async function processStat(pid: string): Promise<{ state: string; start: string } | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', start: fields[19] ?? '' };
}

/** Whether the supervising process still runs. Owners in an unknown form count as alive (never clean up what is not understood). */
export async function isSupervisorAlive(owner: string): Promise<boolean> {
  const match = OWNER_PATTERN.exec(owner);
  if (match === null) return true;
  if (owner === currentOwner()) return true;
  const stat = await processStat(match[1] ?? '');
  if (stat === undefined || stat.state === 'Z' || stat.state === 'X') return false;
  return match[2] === '0' || stat.start === match[2];
}
