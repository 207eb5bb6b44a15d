// Runs one builder command and measures it: wall time (from spawn to exit, on the monotonic clock),
// the peak RSS of the builder's process tree (sampled, memory-sampler.mjs) and, through GNU time,
// the exact maximum RSS of the largest single process among the command and its waited-for
// children. Output is kept in memory (builds print little) for the progress parsers.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startMemorySampler } from './memory-sampler.mjs';

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
let counter = 0;
/** Children running now (measured or not), so an interrupted benchmark can stop them. */
const running = new Set();

/**
 * Sends SIGTERM to every child still running (the benchmark was interrupted), to its whole
 * process group: GNU time passes nothing on, so the builder below it must be signalled too.
 */
export function stopRunningChildren() {
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }
}

function track(child) {
  running.add(child);
  child.once('close', () => running.delete(child));
  return child;
}

/** The machine's CPU counters (jiffies, all cores): busy and total, from the first line of /proc/stat. */
export function readCpuTimes() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** The 1-minute load average. */
export function loadAverage() {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, tmp: string, extraRoots?: () => number[], timeoutMs?: number }} options
 * @returns {Promise<{ code: number | null, signal: string | null, wallMs: number, stdout: string, stderr: string,
 *   peakTreeBytes: number, firstTreeBytes: number, maxRssBytes: number | undefined, loadAverage: number,
 *   machineBusy: number | undefined }>} machineBusy: the share of all cores busy (anyone's work) during the run
 */
export async function runMeasured(command, args, options) {
  const timeFile = join(options.tmp, `time-${process.pid}-${counter++}.txt`);
  const [file, argv] = GNU_TIME === undefined ? [command, args] : [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]];
  const load = loadAverage();
  const cpuBefore = readCpuTimes();
  const started = performance.now();
  // detached: its own process group, which stopRunningChildren signals as a whole.
  const child = track(spawn(file, argv, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
  const sampler = startMemorySampler(() => [child.pid, ...(options.extraRoots?.() ?? [])]);
  const out = [];
  const err = [];
  child.stdout.on('data', (chunk) => out.push(chunk));
  child.stderr.on('data', (chunk) => err.push(chunk));
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => process.kill(-child.pid, 'SIGTERM'), options.timeoutMs);
  const [code, signal] = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  });
  const wallMs = performance.now() - started;
  const cpuAfter = readCpuTimes();
  const cpuTotal = cpuAfter.total - cpuBefore.total;
  if (timer !== undefined) clearTimeout(timer);
  const memory = sampler.stop();
  let maxRssBytes;
  if (GNU_TIME !== undefined) {
    const text = await readFile(timeFile, 'utf8').catch(() => '');
    // GNU time writes "Command exited with non-zero status N" first when the command failed.
    const kb = Number(text.trim().split('\n').at(-1));
    if (Number.isFinite(kb) && kb > 0) maxRssBytes = kb * 1024;
    await rm(timeFile, { force: true });
  }
  return {
    code,
    signal,
    wallMs,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    peakTreeBytes: memory.peakBytes,
    firstTreeBytes: memory.firstBytes,
    maxRssBytes,
    loadAverage: load,
    machineBusy: cpuTotal > 0 ? (cpuAfter.busy - cpuBefore.busy) / cpuTotal : undefined,
  };
}

/** Runs a helper command (not measured); throws with its output when it fails. */
export async function runChecked(command, args, options = {}) {
  const child = track(
    spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true }),
  );
  const out = [];
  const err = [];
  child.stdout.on('data', (chunk) => out.push(chunk));
  child.stderr.on('data', (chunk) => err.push(chunk));
  if (options.input !== undefined) child.stdin.end(options.input);
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  if (code !== 0 && options.allowFailure !== true) {
    throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${lastLines(stderr || stdout, 15)}`);
  }
  return { code, stdout, stderr };
}

export function lastLines(text, n) {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
