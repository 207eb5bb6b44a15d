import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCommandOptions {
  readonly cwd?: string;
  /** Written to the command's stdin, which is then closed. */
  readonly input?: string | Uint8Array;
  readonly signal?: AbortSignal;
}

/**
 * Runs a helper program (mount, umount, mknod, setfattr, cp) and collects its output. A missing
 * program is a result with code null and the error in stderr, not an exception: callers decide
 * what a failure means.
 */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let failure: Error | undefined;
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => {
      // the command exited before reading all its input; its exit status tells what happened
    });
    child.on('error', (error) => {
      failure = error;
    });
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8') + (failure !== undefined ? `${command}: ${failure.message}` : '');
      resolve({ code: failure !== undefined ? null : code, stdout: Buffer.concat(out).toString('utf8'), stderr: stderr.trim() });
    });
    child.stdin.end(options.input ?? '');
  });
}
