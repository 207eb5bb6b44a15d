/**
 * Runs a created container from start to end, in the process that supervises it (the CLI for a
 * foreground `run`, a detached supervisor for `run -d`): mounts its rootfs, sets up its network,
 * runs it with runc, records `running` (with its pid) and then `exited` (with its exit code),
 * writes its output to log.json, and tears everything down when it ends: after this resolves,
 * nothing of the container runs or is mounted (its upper layer stays until `rm`).
 */
import { hostname as hostName } from 'node:os';
import { join } from 'node:path';
import { BuildError, isBuildError } from '../errors/index.js';
import { buildRuntimeSpec, ensureWorkdir, readHostLimits, resolveUser, runContainer } from '../runtime/index.js';
import type { ContainerExit, OciRuntimeSpec, OutputStream } from '../runtime/index.js';
import { currentOwner } from './supervisor-owner.js';
import type { ContainerRecord } from './container-record.js';
import { readContainerRecord, updateContainerRecord } from './container-record.js';
import { setupContainerNetwork } from './container-network.js';
import type { ContainerNetworkSetup } from './container-network.js';
import { writeContainerEtc } from './container-etc.js';
import { mountContainerRootfs, unmountContainer } from './container-rootfs.js';
import { createJsonLogWriter } from './json-log.js';
import { containerDir, logFile, runcStateDir } from './layout.js';
import { removeContainerFiles } from './remove-container.js';
import { runcState } from './runc-control.js';
import { shortContainerId } from './container-names.js';

export interface SuperviseOptions {
  /** Every chunk of the container's output, as it comes (besides log.json). */
  readonly onOutput?: (stream: OutputStream, chunk: Buffer) => void;
  /** Once: the container's process runs (pid), or ended before it was seen running. */
  readonly onStarted?: (info: { readonly pid?: number }) => void;
  /** Aborting before the process starts cancels the start; after, it kills the container. */
  readonly signal?: AbortSignal;
}

export interface SuperviseResult {
  readonly exitCode: number;
}

const PID_POLL_MS = 15;

/** docker's exit codes for a process that could not be started: 127 not found, 126 not executable, else 125. */
export function startFailureExitCode(message: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file/i.test(message)) return 127;
  if (/permission denied|is a directory|exec format error|not executable/i.test(message)) return 126;
  return 125;
}

/** The line runc prints on the stderr it shares with the container when it cannot start it (reported as the error instead). */
const RUNTIME_FAILURE_LINE = /^runc (?:run|create|start) failed: .*(?:\n|$)/gm;

function withoutRuntimeFailure(chunk: Buffer): Buffer {
  if (!chunk.includes('runc ')) return chunk;
  const text = chunk.toString('utf8');
  const kept = text.replace(RUNTIME_FAILURE_LINE, '');
  return kept === text ? chunk : Buffer.from(kept, 'utf8');
}

function withNetworkNamespace(spec: OciRuntimeSpec, path: string): OciRuntimeSpec {
  const namespaces = spec.linux.namespaces.filter((ns) => ns.type !== 'network');
  return { ...spec, linux: { ...spec.linux, namespaces: [...namespaces, { type: 'network', path }] } };
}

function hasKey(env: readonly string[], key: string): boolean {
  return env.some((entry) => entry.startsWith(`${key}=`));
}

async function buildSpec(root: string, record: ContainerRecord, rootfs: string, network: ContainerNetworkSetup): Promise<OciRuntimeSpec> {
  const user = await resolveUser(rootfs, record.user);
  await ensureWorkdir(rootfs, record.workdir, { uid: 0, gid: 0 });
  const hostname = record.network === 'host' ? hostName() : record.hostname;
  const etcFiles = await writeContainerEtc(join(containerDir(root, record.id), 'etc'), { network: record.network, hostname });
  const limits = await readHostLimits();
  const spec = buildRuntimeSpec({
    args: record.args,
    env: hasKey(record.env, 'HOME') ? record.env : [...record.env, `HOME=${user.home}`],
    cwd: record.workdir,
    user,
    rootfs,
    hostname,
    network: record.network === 'none' ? 'none' : 'host',
    etcFiles,
    mounts: record.volumes.map((v) => ({ type: 'bind', source: v.source, destination: v.destination, options: v.readonly ? ['rbind', 'ro'] : ['rbind'] })),
    nofile: limits.nofile,
    hostCapabilities: limits.capabilities,
  });
  return network.namespacePath !== undefined ? withNetworkNamespace(spec, network.namespacePath) : spec;
}

/** Polls runc until the container's process runs (its pid) or `done` settles. */
async function watchForPid(root: string, id: string, done: Promise<unknown>): Promise<number | undefined> {
  const watch = { finished: false };
  const settle = (): void => {
    watch.finished = true;
  };
  done.then(settle, settle);
  while (!watch.finished) {
    const state = await runcState(root, id);
    if (state !== undefined && state.status === 'running' && state.pid > 0) return state.pid;
    await new Promise((resolve) => setTimeout(resolve, PID_POLL_MS));
  }
  return undefined;
}

function setupError(err: unknown): BuildError {
  if (isBuildError(err)) {
    if (typeof err.details['exitCode'] === 'number') return err;
    return new BuildError(err.code, err.message, { ...(err.hint !== undefined ? { hint: err.hint } : {}), details: { ...err.details, exitCode: 125 }, cause: err.cause });
  }
  return new BuildError('CONTAINER_START_FAILED', `cannot start the container: ${(err as Error).message}`, { details: { exitCode: 125 }, cause: err });
}

/**
 * Starts container `id` (created by createContainer) and supervises it until it ends. Rejects
 * with a BuildError whose `details.exitCode` is docker's (125/126/127) when it cannot start.
 */
export async function superviseContainer(root: string, id: string, options: SuperviseOptions = {}): Promise<SuperviseResult> {
  const record = await readContainerRecord(root, id);
  if (record === undefined) throw new BuildError('CONTAINER_NOT_FOUND', `No such container: ${id}`, { details: { exitCode: 125 } });
  const dir = containerDir(root, id);
  await updateContainerRecord(root, id, { owner: currentOwner(), error: undefined, exitCode: undefined, finishedAt: undefined });
  const log = createJsonLogWriter(logFile(root, id));
  let network: ContainerNetworkSetup | undefined;
  let started = false;
  let outcome: { exitCode: number; error?: BuildError } = { exitCode: 125 };
  try {
    try {
      const rootfs = await mountContainerRootfs(root, id, record.lowerDirs);
      network = await setupContainerNetwork(root, id, record.network, record.ports);
      await updateContainerRecord(root, id, { slirpPid: network.slirpPid, ...(record.network === 'private' ? { ports: network.ports } : {}) });
      const spec = await buildSpec(root, record, rootfs, network);
      options.signal?.throwIfAborted();
      const running = runContainer(spec, {
        bundleDir: join(dir, 'bundle'),
        stateRoot: runcStateDir(root),
        id,
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
        onOutput: (stream, chunk) => {
          const output = stream === 'stderr' ? withoutRuntimeFailure(chunk) : chunk;
          if (output.length === 0) return;
          log.write(stream, output);
          options.onOutput?.(stream, output);
        },
      });
      const pid = await watchForPid(root, id, running);
      const startedAt = new Date().toISOString();
      if (pid !== undefined) {
        started = true;
        await updateContainerRecord(root, id, { status: 'running', owner: currentOwner(), pid, startedAt, slirpPid: network.slirpPid });
        options.onStarted?.({ pid });
      }
      const exit: ContainerExit | Error = await running.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      if (exit instanceof Error) throw exit;
      const failure = exit.runtimeError;
      if (failure !== undefined && (pid === undefined || /\bexec\b/.test(failure))) {
        const exitCode = startFailureExitCode(failure);
        const error = new BuildError('CONTAINER_START_FAILED', `failed to start container ${shortContainerId(id)}: ${failure}`, {
          ...(exitCode === 127 ? { hint: 'the command is not in the container: check its name and the image' } : {}),
          details: { exitCode, runtimeError: failure },
        });
        if (pid === undefined) throw error;
        outcome = { exitCode, error };
      } else {
        outcome = { exitCode: exit.exitCode };
        if (pid === undefined) {
          // It ran and ended before it was seen running.
          started = true;
          await updateContainerRecord(root, id, { startedAt });
          options.onStarted?.({});
        }
      }
    } catch (err) {
      const error = setupError(err);
      outcome = { exitCode: error.details['exitCode'] as number, error };
    }
  } finally {
    await network?.release().catch(() => undefined);
    await unmountContainer(root, id).catch(() => undefined);
    await log.close().catch(() => undefined);
  }
  const finishedAt = new Date().toISOString();
  if (started) {
    await updateContainerRecord(root, id, { status: 'exited', exitCode: outcome.exitCode, finishedAt, error: outcome.error?.message });
  } else {
    await updateContainerRecord(root, id, { status: 'created', exitCode: outcome.exitCode, error: outcome.error?.message, owner: undefined, slirpPid: undefined });
  }
  if (record.autoRemove) await removeContainerFiles(root, record).catch(() => undefined);
  if (outcome.error !== undefined) throw outcome.error;
  return { exitCode: outcome.exitCode };
}
