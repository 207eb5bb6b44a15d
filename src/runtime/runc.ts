/**
 * Running one container with runc (or crun): config.json into the bundle, `runc run` in the
 * foreground with stdin closed and stdout/stderr piped (no TTY), the exit code back. On abort the
 * container is killed (`runc kill ID KILL`) and its state always deleted afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { constants as osConstants, userInfo } from 'node:os';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { spawnPiped } from '../native/spawn-piped.js';
import { nativeSys } from '../native/sys.js';
import type { OciRuntimeSpec } from './oci-spec.js';

export type RuntimeName = 'runc' | 'crun';
export type OutputStream = 'stdout' | 'stderr';

export interface RunContainerOptions {
  /** Directory for config.json and the runtime's log (created when missing). */
  readonly bundleDir: string;
  /** The runtime's state directory (`--root`). */
  readonly stateRoot: string;
  /** Container id; default a fresh unique one. */
  readonly id?: string;
  /** Default runc. crun refuses hybrid cgroup v1/v2 hosts. */
  readonly runtime?: RuntimeName;
  readonly signal?: AbortSignal;
  readonly onOutput?: (stream: OutputStream, chunk: Buffer) => void;
}

export interface ContainerExit {
  readonly id: string;
  readonly exitCode: number;
  /** The runtime's own error when it could not start the process (the exit code is then the runtime's). */
  readonly runtimeError?: string;
}

const ID_PATTERN = /^[\w+.-]+$/;
const KILL_RETRY_MS = 50;
const KILL_GIVE_UP_MS = 10_000;

const preparedStateRoots = new Set<string>();

/**
 * Makes the runtime's state directory (once per process) and marks it as a top directory (chattr
 * +T, with the addon), so that each container's state directory, and the files runc makes in it
 * (state.json, exec.fifo, its bind-mounted copy of itself), go to an ext4 block group with free
 * inodes rather than to this directory's own. In a store where builds have made and removed many
 * files, each of those creations took ~0.9 ms on the path of every container's start (ext4 without
 * a journal skips recently freed inodes); see snapshot/spread-dirs.ts. A file system without the
 * flag refuses it, which is ignored.
 */
function prepareStateRoot(stateRoot: string): void {
  if (preparedStateRoots.has(stateRoot)) return;
  mkdirSync(stateRoot, { recursive: true, mode: 0o711 });
  nativeSys()?.markTopDir(stateRoot);
  preparedStateRoots.add(stateRoot);
}

export function newContainerId(): string {
  return `stagecraft-${randomBytes(10).toString('hex')}`;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Runs the runtime with the given arguments to completion; resolves to its exit code. */
function runQuiet(runtime: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(runtime, [...args], { stdio: 'ignore' });
    child.on('error', () => {
      resolve(-1);
    });
    child.on('close', (code) => {
      resolve(code ?? -1);
    });
  });
}

function unavailable(runtime: RuntimeName, err: NodeJS.ErrnoException): BuildError {
  return new BuildError('RUNTIME_UNAVAILABLE', `cannot run the container runtime ${runtime}: ${err.message}`, {
    hint: `install it (apt-get install ${runtime})${runtime === 'crun' ? ', or use the default runtime, runc' : ''}`,
    cause: err,
  });
}

/** Error-level messages of the runtime's JSON log (one object per line). */
async function runtimeErrors(logPath: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(logPath, 'utf8');
  } catch {
    return undefined;
  }
  const messages: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
      if ((entry.level === 'error' || entry.level === 'fatal') && typeof entry.msg === 'string') messages.push(entry.msg);
    } catch {
      messages.push(line.trim());
    }
  }
  return messages.length > 0 ? messages.join('\n') : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function withCgroupsPath(spec: OciRuntimeSpec, id: string): OciRuntimeSpec {
  if (spec.linux.cgroupsPath !== undefined) return spec;
  return { ...spec, linux: { ...spec.linux, cgroupsPath: `/stagecraft/${id}` } };
}

/** Runs `spec` as a container and waits for it; rejects with the signal's reason when aborted. */
export async function runContainer(spec: OciRuntimeSpec, options: RunContainerOptions): Promise<ContainerExit> {
  const { signal } = options;
  signal?.throwIfAborted();
  const runtime = options.runtime ?? 'runc';
  const id = options.id ?? newContainerId();
  if (!ID_PATTERN.test(id)) throw new Error(`invalid container id ${id}`);
  // direct calls: a directory and a small file, just before the spawn that waits for them
  mkdirSync(options.bundleDir, { recursive: true });
  prepareStateRoot(options.stateRoot);
  const logPath = join(options.bundleDir, `${runtime}-log.json`);
  writeFileSync(join(options.bundleDir, 'config.json'), JSON.stringify(withCgroupsPath(spec, id)));
  const global = ['--root', options.stateRoot];

  // Its own session: a Ctrl-C at the terminal reaches stagecraft, which then kills the container.
  const child = spawnPiped(runtime, [...global, '--log', logPath, '--log-format', 'json', 'run', '--bundle', options.bundleDir, id], { newSession: true });
  child.stdout.on('data', (chunk: Buffer) => options.onOutput?.('stdout', chunk));
  child.stderr.on('data', (chunk: Buffer) => options.onOutput?.('stderr', chunk));
  const exited: Promise<Exit | NodeJS.ErrnoException> = child.exited.catch((err: unknown) => err as NodeJS.ErrnoException);

  let running = true;
  const onAbort = (): void => {
    void (async () => {
      const started = Date.now();
      // The container may not exist yet right after spawn: retry until runc run has gone.
      while (running && (await runQuiet(runtime, [...global, 'kill', id, 'KILL'])) !== 0) {
        if (Date.now() - started > KILL_GIVE_UP_MS) {
          child.kill('SIGKILL');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, KILL_RETRY_MS));
      }
    })();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted === true) onAbort();

  let exit: Exit | NodeJS.ErrnoException;
  try {
    exit = await exited;
  } finally {
    running = false;
    signal?.removeEventListener('abort', onAbort);
    // `runc run` removes its container when it ends normally; anything left behind is deleted here.
    if (await exists(join(options.stateRoot, id))) await runQuiet(runtime, [...global, 'delete', '-f', id]);
  }
  if (exit instanceof Error) throw unavailable(runtime, exit);
  signal?.throwIfAborted();

  const runtimeError = await runtimeErrors(logPath);
  if (runtimeError !== undefined && /hybrid/i.test(runtimeError) && runtime === 'crun') {
    throw new BuildError('RUNTIME_UNAVAILABLE', `crun cannot run containers on this host: ${runtimeError}`, {
      hint: 'crun does not support hybrid cgroup v1/v2 hosts; use runc (the default)',
    });
  }
  const exitCode = exit.code ?? 128 + signalNumber(exit.signal);
  return { id, exitCode, ...(runtimeError !== undefined ? { runtimeError } : {}) };
}

function signalNumber(sig: NodeJS.Signals | null): number {
  return sig === null ? 0 : osConstants.signals[sig];
}

export interface RuntimeProbe {
  readonly ok: boolean;
  /** What is missing, in words (empty when ok). */
  readonly problems: readonly string[];
}

/** Whether RUN steps can work here: root, the runtime binary, and overlayfs in the kernel. */
export async function probeRuntime(runtime: RuntimeName = 'runc'): Promise<RuntimeProbe> {
  const problems: string[] = [];
  if (userInfo().uid !== 0) problems.push('not running as root');
  if ((await runQuiet(runtime, ['--version'])) !== 0) problems.push(`${runtime} is not installed (apt-get install ${runtime})`);
  let filesystems = '';
  try {
    filesystems = await readFile('/proc/filesystems', 'utf8');
  } catch {
    // treated as "no overlay" below
  }
  if (!/\boverlay\b/.test(filesystems)) problems.push('the kernel has no overlay file system');
  return { ok: problems.length === 0, problems };
}
