/**
 * `run -d`: the container outlives the command that started it. The command spawns a small node
 * process (the supervisor: `node SCRIPT ROOT ID`, in its own session, its stdout and stderr going
 * to `containers/<id>/supervisor.log`), which runs superviseContainer and reports one line on
 * file descriptor 3 once the container's process runs (or why it could not start). The command
 * prints the id and exits; the supervisor stays with the container until it ends.
 */
import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BuildError, isBuildError } from '../errors/index.js';
import type { ErrorCode } from '../errors/index.js';
import { containerDir } from './layout.js';
import { superviseContainer } from './supervise-container.js';

export type SupervisorReport =
  | { readonly ok: true; readonly pid?: number }
  | { readonly ok: false; readonly error: { readonly code: ErrorCode; readonly message: string; readonly hint?: string; readonly details: Record<string, unknown> } };

export interface LaunchSupervisorOptions {
  /** The program and its first arguments, e.g. `[process.execPath, '/path/to/run-supervisor.js']`; ROOT and ID are appended. */
  readonly command: readonly string[];
}

function supervisorLog(root: string, id: string): string {
  return join(containerDir(root, id), 'supervisor.log');
}

function reportToError(report: Extract<SupervisorReport, { ok: false }>): BuildError {
  const { code, message, hint, details } = report.error;
  return new BuildError(code, message, { ...(hint !== undefined ? { hint } : {}), details });
}

async function readFirstLine(stream: Readable): Promise<string | undefined> {
  let text = '';
  for await (const chunk of stream) {
    text += (chunk as Buffer).toString('utf8');
    const newline = text.indexOf('\n');
    if (newline !== -1) return text.slice(0, newline);
  }
  return text === '' ? undefined : text;
}

/** Starts the detached supervisor of a created container and waits for its report; returns the container's pid. */
export async function launchSupervisor(root: string, id: string, options: LaunchSupervisorOptions): Promise<{ readonly pid?: number }> {
  const [program, ...args] = options.command;
  if (program === undefined) throw new Error('launchSupervisor: empty command');
  const logHandle = await open(supervisorLog(root, id), 'a', 0o600);
  let child;
  try {
    child = spawn(program, [...args, root, id], { detached: true, stdio: ['ignore', logHandle.fd, logHandle.fd, 'pipe'] });
  } finally {
    await logHandle.close();
  }
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const channel = child.stdio[3] as Readable;
  const line = await Promise.race([readFirstLine(channel), spawnError]);
  channel.destroy();
  child.unref();
  if (line instanceof Error) {
    throw new BuildError('CONTAINER_START_FAILED', `cannot start the container's supervisor: ${line.message}`, { details: { exitCode: 125 }, cause: line });
  }
  let report: SupervisorReport | undefined;
  try {
    report = line === undefined ? undefined : (JSON.parse(line) as SupervisorReport);
  } catch {
    report = undefined;
  }
  if (report === undefined) {
    const log = await readFile(supervisorLog(root, id), 'utf8').catch(() => '');
    throw new BuildError('CONTAINER_START_FAILED', `the container's supervisor ended before it started the container${log.trim() !== '' ? `:\n${log.trim()}` : ''}`, {
      details: { exitCode: 125 },
    });
  }
  if (!report.ok) throw reportToError(report);
  return report.pid !== undefined ? { pid: report.pid } : {};
}

/**
 * The supervisor's work (its entry point passes `report`, which writes one line to fd 3): runs the
 * container to its end and resolves with its exit code.
 */
export async function runSupervisor(root: string, id: string, report: (line: string) => void): Promise<number> {
  let reported = false;
  const send = (value: SupervisorReport): void => {
    if (reported) return;
    reported = true;
    report(JSON.stringify(value) + '\n');
  };
  try {
    const result = await superviseContainer(root, id, { onStarted: (info) => {
      send({ ok: true, ...(info.pid !== undefined ? { pid: info.pid } : {}) });
    } });
    send({ ok: true });
    return result.exitCode;
  } catch (err) {
    const error = isBuildError(err)
      ? { code: err.code, message: err.message, ...(err.hint !== undefined ? { hint: err.hint } : {}), details: { ...err.details } }
      : { code: 'CONTAINER_START_FAILED' as const, message: `the supervisor failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, details: { exitCode: 125 } };
    send({ ok: false, error });
    throw err;
  }
}
