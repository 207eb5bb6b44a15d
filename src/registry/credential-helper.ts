import { spawn } from 'node:child_process';
import { BuildError } from '../errors/index.js';

/** What a `docker-credential-<name>` program answers to `get`. */
export interface HelperCredential {
  readonly username: string;
  readonly secret: string;
}

export interface HelperOptions {
  /** The environment the helper runs with (PATH finds it); the parent's when omitted. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

interface HelperResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runHelper(name: string, action: string, input: string, options: HelperOptions): Promise<HelperResult> {
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.env === undefined ? {} : { env: options.env }),
      timeout: options.timeoutMs ?? 30_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new BuildError('REGISTRY_CONFIG', `credential helper ${program} is not installed (not found on PATH)`, {
            hint: 'install it, or remove it from credHelpers/credsStore in ~/.docker/config.json',
          }),
        );
      } else reject(error);
    });
    child.on('close', (code) => {
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined); // a helper may exit without reading its input
    child.stdin.end(input);
  });
}

function isNotFound(result: HelperResult): boolean {
  return /credentials not found/i.test(result.stdout + result.stderr);
}

function helperFailure(name: string, action: string, result: HelperResult): BuildError {
  // the helper's output is not echoed: it may hold the secret it failed to handle
  return new BuildError('REGISTRY_CONFIG', `credential helper docker-credential-${name} ${action} failed (exit ${result.code})`);
}

/** Asks helper `name` for the credentials of `serverUrl`; undefined when it has none. */
export async function getHelperCredential(
  name: string,
  serverUrl: string,
  options: HelperOptions = {},
): Promise<HelperCredential | undefined> {
  const result = await runHelper(name, 'get', serverUrl, options);
  if (result.code !== 0) {
    if (isNotFound(result)) return undefined;
    throw helperFailure(name, 'get', result);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new BuildError('REGISTRY_CONFIG', `credential helper docker-credential-${name} printed something that is not JSON`);
  }
  const { Username, Secret } = (parsed ?? {}) as { Username?: unknown; Secret?: unknown };
  if (typeof Secret !== 'string' || Secret === '') return undefined;
  return { username: typeof Username === 'string' ? Username : '', secret: Secret };
}

/** Stores credentials through helper `name`. */
export async function storeHelperCredential(
  name: string,
  serverUrl: string,
  credential: HelperCredential,
  options: HelperOptions = {},
): Promise<void> {
  const input = JSON.stringify({ ServerURL: serverUrl, Username: credential.username, Secret: credential.secret });
  const result = await runHelper(name, 'store', input, options);
  if (result.code !== 0) throw helperFailure(name, 'store', result);
}

/** Erases the credentials of `serverUrl` from helper `name`; false when it had none. */
export async function eraseHelperCredential(name: string, serverUrl: string, options: HelperOptions = {}): Promise<boolean> {
  const result = await runHelper(name, 'erase', serverUrl, options);
  if (result.code === 0) return true;
  if (isNotFound(result)) return false;
  throw helperFailure(name, 'erase', result);
}
