import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { kill, pid } from 'node:process';
import { startupSnapshot } from 'node:v8';

/*
 * Who left a snapshot or a temp dir: `PID-STARTTIME`, the process id plus its start time (field
 * 22 of /proc/PID/stat), so a pid reused by a new process is not taken for the old owner. The same
 * scheme as the store's temp files; kept here because the snapshotter must not reach into the
 * store's internals.
 */

const OWNER_PATTERN = /^(\d+)-(\d+)$/;

function startTimeOf(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close === -1) return undefined;
  return stat.slice(close + 2).split(' ')[19];
}

let current: string | undefined;

/** This process as an owner id (not remembered while the start-up snapshot is made: see store/owner.ts). */
export function currentOwner(): string {
  if (current !== undefined) return current;
  let start = '0';
  try {
    start = startTimeOf(readFileSync(`/proc/${pid}/stat`, 'utf8')) ?? '0';
  } catch {
    // no /proc: the pid alone identifies the owner
  }
  const owner = `${pid}-${start}`;
  if (!startupSnapshot.isBuildingSnapshot()) current = owner;
  return owner;
}

/** A fresh name owned by this process: `OWNER.RANDOM`. */
export function ownedName(): string {
  return `${currentOwner()}.${randomBytes(6).toString('hex')}`;
}

/** The owner encoded at the start of a name made by ownedName (after an optional prefix). */
export function ownerOf(name: string): string | undefined {
  const owner = name.split('.')[0];
  return owner !== undefined && OWNER_PATTERN.test(owner) ? owner : undefined;
}

/** Whether an owner process still runs. Unknown forms count as alive: never remove what we do not understand. */
export async function isOwnerAlive(owner: string): Promise<boolean> {
  const match = OWNER_PATTERN.exec(owner);
  if (match === null) return true;
  if (owner === currentOwner()) return true;
  try {
    kill(Number(match[1]), 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = await readFile(`/proc/${match[1] ?? ''}/stat`, 'utf8');
    // A zombie (state Z, or X) has exited: nobody reaped it yet (PID 1 in some containers never
    // does), but it holds nothing any more.
    if (/^[ZX]$/.test(stateOf(stat) ?? '')) return false;
    if (match[2] === '0') return true;
    const now = startTimeOf(stat);
    return now === undefined || now === match[2];
  } catch {
    return match[2] === '0';
  }
}

function stateOf(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  return close === -1 ? undefined : stat.slice(close + 2, close + 3);
}
