import { spawn } from 'node:child_process';
import { BuildError } from '../../errors/index.js';

export interface GitCommandOptions {
  /** The working directory (`git -C` would also read config there). */
  readonly cwd?: string;
  readonly signal?: AbortSignal | undefined;
  /** The git program (`git` on PATH by default). */
  readonly git?: string | undefined;
}

/** A URL without its user:password part, for messages (git URLs may carry tokens). */
export function redactGitUrl(url: string): string {
  return url.replace(/([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@\s'"]*@/g, '$1');
}

/**
 * The environment git runs in: never prompts for credentials (a build has no terminal to ask on),
 * reads no system config, and may use only the transports ADD allows (so a submodule cannot pull
 * in `file://` or `ext::` URLs).
 */
function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_ALLOW_PROTOCOL: 'http:https:ssh:git',
    GIT_ASKPASS: 'true',
    SSH_ASKPASS: 'true',
    LC_ALL: 'C',
  };
}

/**
 * Runs `git args...` and gives back its standard output. A failure (exit status, a missing git
 * program) is a GIT_FAILED BuildError naming `what` and the last lines git printed, with any
 * credentials in URLs removed.
 */
export function runGit(args: readonly string[], what: string, options: GitCommandOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    options.signal?.throwIfAborted();
    const child = spawn(options.git ?? 'git', [...args], {
      cwd: options.cwd,
      env: gitEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (err.length < 16_384) err += text;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') {
        const reason: unknown = options.signal?.reason;
        reject(reason instanceof Error ? reason : error);
        return;
      }
      reject(
        new BuildError('GIT_FAILED', `${what}: cannot run git: ${error.message}`, {
          ...(error.code === 'ENOENT' ? { hint: 'ADD of a git repository uses the git program: install git' } : {}),
          cause: error,
        }),
      );
    });
    child.on('close', (code) => {
      if (code === 0) {
        resolve(Buffer.concat(out).toString('utf8'));
        return;
      }
      const lines = redactGitUrl(err.trim()).split('\n').slice(-4);
      reject(
        new BuildError('GIT_FAILED', `${what}: git ${args[0] ?? ''} failed (exit status ${String(code)})${lines.length > 0 && lines[0] !== '' ? `: ${lines.join(' / ')}` : ''}`, {
          details: { exitCode: code, stderr: lines },
        }),
      );
    });
  });
}
