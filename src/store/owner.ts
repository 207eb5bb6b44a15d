import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { kill, pid } from 'node:process';
import { startupSnapshot } from 'node:v8';

/*
 * Who holds a lock, a lease or a temp file: the process id plus the process's start time (field 22
 * of /proc/PID/stat, in clock ticks since boot). The start time tells a live owner from a new
 * process that happens to reuse a dead owner's pid. Where /proc is missing the start time is `0`
 * and only the pid is compared. (A root shared between machines, over NFS, is not supported: a
 * pid means nothing on another host.)
 *
 * This file reads the process id and probes other processes with signal 0; that is the only use
 * of node:process in the store.
 */

const OWNER_PATTERN = /^(\d+)-(\d+)$/;

function parseStartTime(stat: string): string | undefined {
  // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
  const close = stat.lastIndexOf(')');
  if (close === -1) return undefined;
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 is fields[19].
  return fields[19];
}

function readStartTimeSync(processId: number): string {
  try {
    return parseStartTime(readFileSync(`/proc/${processId}/stat`, 'utf8')) ?? '0';
  } catch {
    return '0';
  }
}

let current: string | undefined;

/**
 * This process as an owner id, `PID-STARTTIME`; safe in file names. Not remembered while the CLI's
 * start-up snapshot is made (its warm-up writes to a throwaway store): every run would inherit it.
 */
export function currentOwner(): string {
  if (current !== undefined) return current;
  const owner = `${pid}-${readStartTimeSync(pid)}`;
  if (!startupSnapshot.isBuildingSnapshot()) current = owner;
  return owner;
}

export function isOwnerId(text: string): boolean {
  return OWNER_PATTERN.test(text);
}

/**
 * Whether the owner is still running. Unknown forms count as alive (never break what we do not
 * understand); a pid that is gone, or reused by a process started at another time, is dead.
 */
export async function isOwnerAlive(owner: string): Promise<boolean> {
  const match = OWNER_PATTERN.exec(owner);
  if (match === null) return true;
  const ownerPid = Number(match[1]);
  const start = match[2];
  if (owner === currentOwner()) return true;
  try {
    kill(ownerPid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === '0') return true;
  try {
    const now = parseStartTime(await readFile(`/proc/${ownerPid}/stat`, 'utf8'));
    return now === undefined || now === start;
  } catch {
    // The process exited between the two checks.
    return false;
  }
}
