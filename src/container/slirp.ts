/**
 * User-mode networking with slirp4netns (as rootless podman uses it): a process outside the
 * container's network namespace that gives it a tap0 device (10.0.2.100/24, gateway 10.0.2.2, DNS
 * 10.0.2.3), outbound access through the host's sockets, and host-port forwards added through its
 * API socket. `--disable-host-loopback` keeps the container from reaching the host's 127.0.0.1.
 * The exit-fd ties it to the process that started it: when that process dies, slirp4netns ends.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { connect } from 'node:net';
import type { Readable } from 'node:stream';
import { BuildError } from '../errors/index.js';

export interface SlirpProcess {
  readonly pid: number;
  /** Ends slirp4netns (TERM, then KILL after a second) and waits for it. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const API_SOCKET = 'slirp.sock';

function networkError(message: string, details: Record<string, unknown> = {}): BuildError {
  return new BuildError('NETWORK_SETUP_FAILED', message, {
    hint: 'the private network needs slirp4netns (apt-get install slirp4netns); --network host or none work without it',
    details: { exitCode: 125, ...details },
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => {
    resolve();
  }));
}

/**
 * Starts slirp4netns on the network namespace bound at `netnsPath`, with its API socket in `dir`,
 * and waits until tap0 is configured.
 */
export async function startSlirp(netnsPath: string, dir: string): Promise<SlirpProcess> {
  const args = ['--configure', '--mtu=65520', '--disable-host-loopback', '--netns-type=path', `--api-socket=${API_SOCKET}`, '--ready-fd=3', '--exit-fd=4', netnsPath, 'tap0'];
  const child = spawn('slirp4netns', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  const ready = child.stdio[3] as Readable;
  const outcome = await new Promise<'ready' | Error>((resolve) => {
    const timer = setTimeout(() => {
      resolve(new Error('timed out'));
    }, READY_TIMEOUT_MS);
    const done = (value: 'ready' | Error): void => {
      clearTimeout(timer);
      resolve(value);
    };
    ready.once('data', () => {
      done('ready');
    });
    child.once('error', done);
    child.once('exit', (code) => {
      done(new Error(`exited with code ${String(code)}`));
    });
  });
  ready.destroy();
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
      await waitForExit(child);
      clearTimeout(timer);
    }
    (child.stdio[4] as Readable | null)?.destroy();
    child.stderr?.destroy();
  };
  if (outcome !== 'ready' || child.pid === undefined) {
    await stop();
    const reason = outcome instanceof Error ? outcome.message : 'no pid';
    throw networkError(`slirp4netns could not set up the network (${reason})${stderr.trim() !== '' ? `: ${stderr.trim()}` : ''}`, { stderr });
  }
  child.stderr?.resume();
  return { pid: child.pid, stop };
}

interface ApiReply {
  readonly return?: unknown;
  readonly error?: { readonly desc?: string };
}

/** Sends one request to the slirp4netns API socket in `dir` (reached through /proc so long paths work). */
export async function callSlirpApi(dir: string, request: object): Promise<ApiReply> {
  const handle = await open(dir, 'r');
  try {
    const path = `/proc/self/fd/${String(handle.fd)}/${API_SOCKET}`;
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(path);
      let data = '';
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.end(JSON.stringify(request)));
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        resolve(data);
      });
    });
    try {
      return JSON.parse(text) as ApiReply;
    } catch {
      return { error: { desc: text === '' ? 'no answer' : text } };
    }
  } finally {
    await handle.close();
  }
}

/** Forwards 127.0.0.1:hostPort (on the host) to the container's guestPort; the error text when slirp refuses. */
export async function addHostForward(dir: string, forward: { proto: 'tcp' | 'udp'; hostAddr: string; hostPort: number; guestPort: number }): Promise<string | undefined> {
  const reply = await callSlirpApi(dir, {
    execute: 'add_hostfwd',
    arguments: { proto: forward.proto, host_addr: forward.hostAddr, host_port: forward.hostPort, guest_port: forward.guestPort },
  });
  if (reply.error !== undefined) return reply.error.desc ?? JSON.stringify(reply.error);
  return undefined;
}
