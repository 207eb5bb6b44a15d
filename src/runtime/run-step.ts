/**
 * One RUN step in a prepared rootfs (the solver mounts the snapshot, runStep runs in it): generated
 * /etc files, USER resolved in the rootfs, WORKDIR created, the spec built, the container run, and
 * a non-zero exit turned into RUN_FAILED with BuildKit's message.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { removeTree } from '../native/remove-tree.js';
import { writeEtcFiles } from './etc-files.js';
import { readHostLimits } from './host-limits.js';
import { createLogTail } from './log-tail.js';
import { findMissingStubs, removeMountStubs } from './mount-stubs.js';
import { newContainerId, runContainer } from './runc.js';
import type { OutputStream, RuntimeName } from './runc.js';
import { buildRuntimeSpec } from './spec.js';
import type { ExtraMountInput, RunNetwork, RunSecurity } from './spec.js';
import { resolveUser } from './user.js';
import { ensureWorkdir } from './workdir.js';

export interface RunStepInput {
  /** Final argv: shell form already wrapped with the stage's SHELL. */
  readonly args: readonly string[];
  /** KEY=VALUE: the image config's Env plus the ARGs in scope. */
  readonly env: readonly string[];
  /** WORKDIR (container path); default `/`. */
  readonly cwd?: string;
  /** USER as written (`name|uid[:group|gid]`); empty or absent is root. */
  readonly user?: string;
  /** The mounted rootfs the step runs in (and writes to). */
  readonly rootfs: string;
  readonly rootfsReadonly?: boolean;
  readonly network: RunNetwork;
  readonly security?: RunSecurity;
  readonly mounts?: readonly ExtraMountInput[];
  readonly hostname?: string;
  /** The stage's name, for error messages. */
  readonly stage?: string;
}

export interface RunStepOptions {
  /** The runtime's state directory (runc --root). */
  readonly stateRoot: string;
  /** Where the per-step temp directory (bundle, /etc files) goes; default the OS temp dir. */
  readonly tempDir?: string;
  readonly runtime?: RuntimeName;
  readonly id?: string;
  readonly signal?: AbortSignal;
  readonly onOutput?: (stream: OutputStream, chunk: Buffer) => void;
  /** Also bind a generated /etc/hostname (BuildKit does not). */
  readonly bindHostnameFile?: boolean;
  /** The host's resolver file to derive the step's resolv.conf from; default /etc/resolv.conf. */
  readonly hostResolvConf?: string;
  /**
   * Takes the removal of the step's temp directory (bundle, /etc files) to wait for later (a build
   * waits for it before it returns), so that the step does not; without it, runStep waits.
   */
  readonly deferCleanup?: (work: Promise<void>) => void;
}

export interface RunStepResult {
  readonly id: string;
  readonly exitCode: 0;
}

const LAST_LINES = 20;

function hasKey(env: readonly string[], key: string): boolean {
  return env.some((entry) => entry.startsWith(`${key}=`));
}

/** Runs one RUN step; resolves when it exited 0, else rejects with RUN_FAILED (or RUN_SETUP_FAILED). */
export async function runStep(input: RunStepInput, options: RunStepOptions): Promise<RunStepResult> {
  options.signal?.throwIfAborted();
  const command = input.args.join(' ');
  const cwd = input.cwd === undefined || input.cwd === '' ? '/' : input.cwd;
  const temp = mkdtempSync(join(options.tempDir ?? tmpdir(), 'stagecraft-run-'));
  let stubs: string[] = [];
  try {
    // Three independent preparations at once: the generated /etc files, what the rootfs says (the
    // user, the working directory, the mount points to make) and this process's limits. In turn,
    // their dozen or so thread-pool round trips came to several milliseconds on every RUN step's
    // path, more where parallel stages shared the pool.
    const bindHostname = options.bindHostnameFile === true;
    const destinations = ['/etc/resolv.conf', '/etc/hosts', ...(bindHostname ? ['/etc/hostname'] : [])];
    const etcFilesWritten = writeEtcFiles(temp, {
      network: input.network,
      ...(input.hostname !== undefined ? { hostname: input.hostname } : {}),
      ...(options.hostResolvConf !== undefined ? { hostResolvConf: options.hostResolvConf } : {}),
    });
    const rootfsRead = (async () => {
      const user = await resolveUser(input.rootfs, input.user ?? '', input.stage !== undefined ? { stage: input.stage } : {});
      try {
        await ensureWorkdir(input.rootfs, cwd, user);
      } catch (err) {
        throw new BuildError('RUN_SETUP_FAILED', `failed to create working directory ${cwd}: ${(err as Error).message}`, {
          details: { command, cwd },
          cause: err,
        });
      }
      stubs = await findMissingStubs(input.rootfs, [...destinations, ...(input.mounts ?? []).map((m) => m.destination)]);
      return user;
    })();
    const limitsRead = readHostLimits();
    const settled = await Promise.allSettled([etcFilesWritten, rootfsRead, limitsRead]);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const [etcFiles, user, limits] = [await etcFilesWritten, await rootfsRead, await limitsRead];

    const spec = buildRuntimeSpec({
      args: input.args,
      env: hasKey(input.env, 'HOME') ? input.env : [...input.env, `HOME=${user.home}`],
      cwd,
      user,
      rootfs: input.rootfs,
      ...(input.rootfsReadonly !== undefined ? { rootfsReadonly: input.rootfsReadonly } : {}),
      ...(input.hostname !== undefined ? { hostname: input.hostname } : {}),
      network: input.network,
      ...(input.security !== undefined ? { security: input.security } : {}),
      etcFiles: bindHostname ? etcFiles : { hosts: etcFiles.hosts, resolvConf: etcFiles.resolvConf },
      ...(input.mounts !== undefined ? { mounts: input.mounts } : {}),
      nofile: limits.nofile,
      hostCapabilities: limits.capabilities,
    });
    const tail = createLogTail(LAST_LINES);
    const id = options.id ?? newContainerId();
    const exit = await runContainer(spec, {
      bundleDir: join(temp, 'bundle'),
      stateRoot: options.stateRoot,
      id,
      ...(options.runtime !== undefined ? { runtime: options.runtime } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      onOutput: (stream, chunk) => {
        tail.push(stream, chunk);
        options.onOutput?.(stream, chunk);
      },
    });
    if (exit.exitCode === 0) return { id, exitCode: 0 };
    const lastLogLines = tail.lines();
    if (exit.runtimeError !== undefined && !/\bexec\b/.test(exit.runtimeError)) {
      throw new BuildError('RUN_SETUP_FAILED', `process ${JSON.stringify(command)} could not be started: ${exit.runtimeError}`, {
        details: { exitCode: exit.exitCode, command, lastLogLines, runtimeError: exit.runtimeError },
      });
    }
    const reason = exit.runtimeError ?? `exit code: ${String(exit.exitCode)}`;
    throw new BuildError('RUN_FAILED', `process ${JSON.stringify(command)} did not complete successfully: ${reason}`, {
      details: { exitCode: exit.exitCode, command, lastLogLines, ...(exit.runtimeError !== undefined ? { runtimeError: exit.runtimeError } : {}) },
    });
  } finally {
    await removeMountStubs(input.rootfs, stubs);
    // A handful of small files (the bundle, /etc files, runc's log): one thread-pool job with the
    // addon, where fs.promises.rm's walk took several milliseconds of round trips.
    const removed = removeTree(temp);
    if (options.deferCleanup !== undefined) options.deferCleanup(removed);
    else await removed;
  }
}
