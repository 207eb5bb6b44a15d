// Peak memory of a process tree, sampled from /proc.
//
// Every `intervalMs` the sampler reads /proc/<pid>/stat of every process, rebuilds the parent ->
// children map, walks it from the root pids and sums the resident set (RSS) of the processes it
// reaches. Processes in another PID namespace than ours are left out together with their
// descendants: those are the containers a RUN step starts (npm, head, sleep), i.e. the user's
// work, not the builder's. What stays is the builder itself: stagecraft's node process and runc;
// dockerd, containerd, the shims and runc; buildah and runc.
//
// RSS counts shared pages once per process, so a sum over several processes overstates what they
// use together (dockerd and containerd share little; runc is small). A 50 ms sample can miss a
// spike shorter than that: GNU time's exact maximum of a single process is recorded beside it
// where the builder is our own child (see run-measured.mjs).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const PAGE_SIZE = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
const OWN_PID_NS = readlinkSync('/proc/self/ns/pid');

/**
 * Parses one /proc/<pid>/stat line: the fields after the command name (which may hold spaces and
 * parentheses, so it is cut at the last ')').
 * @returns {{ pid: number, ppid: number, rssBytes: number } | undefined}
 */
export function parseProcStat(text, pageSize = PAGE_SIZE) {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  // After ") ": state(3) ppid(4) ... rss(24): index 0 is field 3.
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const rssPages = Number(fields[21]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isFinite(rssPages)) return undefined;
  return { pid, ppid, rssBytes: rssPages * pageSize };
}

/** Every process now: pid -> {ppid, rssBytes}. Processes that end while we read are skipped. */
function readProcesses() {
  const processes = new Map();
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    try {
      const info = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (info !== undefined) processes.set(info.pid, info);
    } catch {
      // gone meanwhile
    }
  }
  return processes;
}

function inOwnPidNamespace(pid) {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`) === OWN_PID_NS;
  } catch {
    return false;
  }
}

/**
 * Sum of the RSS of `roots` and their descendants that share our PID namespace.
 * @param {Iterable<number>} roots
 */
export function treeRss(roots, processes = readProcesses()) {
  const children = new Map();
  for (const p of processes.values()) {
    const list = children.get(p.ppid);
    if (list === undefined) children.set(p.ppid, [p.pid]);
    else list.push(p.pid);
  }
  let total = 0;
  let count = 0;
  const seen = new Set();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.pop();
    if (seen.has(pid)) continue;
    seen.add(pid);
    const info = processes.get(pid);
    if (info === undefined || !inOwnPidNamespace(pid)) continue;
    total += info.rssBytes;
    count++;
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return { bytes: total, processes: count };
}

/**
 * Samples the tree under `roots()` (called each tick: pids may appear late) until stop().
 * @param {() => number[]} roots
 */
export function startMemorySampler(roots, { intervalMs = 50 } = {}) {
  let peak = 0;
  let first;
  let samples = 0;
  const tick = () => {
    const pids = roots().filter((pid) => pid !== undefined);
    if (pids.length === 0) return;
    const { bytes } = treeRss(pids);
    if (first === undefined) first = bytes;
    if (bytes > peak) peak = bytes;
    samples++;
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    /** Stops sampling; `firstBytes` is the first sample (for a daemon: its size before the build). */
    stop() {
      clearInterval(timer);
      tick();
      return { peakBytes: peak, firstBytes: first ?? 0, samples };
    },
  };
}
