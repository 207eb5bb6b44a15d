import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { Readable } from 'node:stream';
import { nativeSys } from './sys.js';

/** A child process with stdin closed and its output in two pipes. */
export interface PipedChild {
  readonly pid: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves when the child has exited and both pipes are drained; rejects when it could not start. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** Sends a signal (a child already gone is no error). */
  kill(signal: NodeJS.Signals): void;
}

function signalName(number: number | null): NodeJS.Signals | null {
  if (number === null) return null;
  const found = Object.entries(osConstants.signals).find(([, n]) => n === number);
  return (found?.[0] as NodeJS.Signals | undefined) ?? null;
}

function closed(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    stream.once('close', () => {
      resolve();
    });
  });
}

/**
 * Starts `file args...` with stdin from /dev/null and stdout/stderr piped; `newSession` puts it in
 * a session of its own (a Ctrl-C at the terminal then reaches only this process, which decides
 * what to stop). With the native addon it is started by posix_spawn: libuv's fork() copies the
 * page tables of this process, several milliseconds once a build has a large heap, and blocks the
 * event loop meanwhile. Without the addon: child_process.spawn. A failure to start rejects
 * `exited` (ENOENT: no such program).
 */
export function spawnPiped(file: string, args: readonly string[], options: { readonly newSession?: boolean } = {}): PipedChild {
  const newSession = options.newSession === true;
  const sys = nativeSys();
  if (sys === undefined) {
    const child = spawn(file, [...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: newSession });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        resolve({ code, signal });
      });
    });
    return { pid: child.pid ?? -1, stdout: child.stdout, stderr: child.stderr, exited, kill: (signal) => void child.kill(signal) };
  }
  let started: ReturnType<typeof sys.spawnPiped>;
  try {
    started = sys.spawnPiped(file, [file, ...args], newSession);
  } catch (err) {
    const failed = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    failed.catch(() => undefined); // the caller's await sees it; no unhandled-rejection warning meanwhile
    const nothing = Readable.from([]);
    return { pid: -1, stdout: nothing, stderr: nothing, exited: failed, kill: () => undefined };
  }
  const { pid } = started;
  const stdout = new Socket({ fd: started.stdout, readable: true, writable: false });
  const stderr = new Socket({ fd: started.stderr, readable: true, writable: false });
  // a read error ends the stream like EOF (its 'close' follows); the output seen so far stands
  for (const stream of [stdout, stderr]) stream.on('error', () => undefined);
  let waited = false;
  // The pipes close when the child and everything that inherited them are gone; only then is
  // waitpid asked for, so that it does not hold a pool thread while the child runs.
  const exited = Promise.all([closed(stdout), closed(stderr)])
    .then(() => sys.waitProcess(pid))
    .then(({ code, signal }) => {
      waited = true;
      return { code, signal: signalName(signal) };
    });
  return {
    pid,
    stdout,
    stderr,
    exited,
    kill: (signal) => {
      if (waited) return; // the pid may belong to someone else by now
      try {
        process.kill(pid, signal);
      } catch {
        // gone already
      }
    },
  };
}
