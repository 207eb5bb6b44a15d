import { chmod, chown, open, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { resolve } from 'node:path';
import { BuildError } from '../errors/index.js';
import { keyringSession } from './agent-keyring.js';
import { forwardingSession } from './agent-forward.js';
import { serveAgentConnection } from './agent-server.js';
import type { AgentSession } from './agent-server.js';
import { parsePrivateKey } from './ssh-private-key.js';
import type { AgentKey } from './ssh-private-key.js';

/** One `--ssh ID[=PATH[,PATH...]]` as buildx splits it: no paths means $SSH_AUTH_SOCK. */
export interface SshSpec {
  readonly id: string;
  readonly paths: readonly string[];
}

/** The agent the default id names (`--ssh default`, `RUN --mount=type=ssh` without id). */
export const DEFAULT_SSH_ID = 'default';
/** BuildKit reads at most this much of a key file. */
const MAX_KEY_FILE = 100 * 1024;

type AgentSource = { readonly kind: 'socket'; readonly path: string } | { readonly kind: 'keys'; readonly keys: readonly AgentKey[] };

export interface SocketOwner {
  readonly uid: number;
  readonly gid: number;
  /** Permission bits of the socket (0600 by default in the Dockerfile). */
  readonly mode: number;
}

/** A socket serving one agent; `close` stops it and ends its connections. */
export interface AgentListener {
  close(): Promise<void>;
}

/** The agents a build may forward into RUN steps, by id. */
export interface SshAgents {
  readonly ids: readonly string[];
  has(id: string): boolean;
  /** Serves agent `id` on a new unix socket at `socketPath` with the given owner and mode. */
  listen(id: string, socketPath: string, owner: SocketOwner): Promise<AgentListener>;
}

export interface OpenSshAgentsOptions {
  /** The environment to take SSH_AUTH_SOCK from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths are resolved against this directory (the caller's working directory). */
  readonly cwd: string;
}

function invalid(message: string, hint: string, details: Record<string, unknown> = {}): BuildError {
  return new BuildError('INVALID_SSH_AGENT', message, { hint, details });
}

/** A key file's text; at most MAX_KEY_FILE bytes, as BuildKit reads it. */
async function readKeyFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_KEY_FILE);
    const { bytesRead } = await handle.read(buffer, 0, MAX_KEY_FILE, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** One id's paths as BuildKit's agent provider takes them: one socket, or any number of key files. */
async function agentSource(id: string, paths: readonly string[], options: OpenSshAgentsOptions): Promise<AgentSource> {
  let list = paths.length === 0 || (paths.length === 1 && paths[0] === '') ? [options.env['SSH_AUTH_SOCK'] ?? ''] : paths;
  if (list[0] === '') {
    throw invalid(`invalid empty ssh agent socket for --ssh ${id}: make sure SSH_AUTH_SOCK is set`, 'start an agent (eval "$(ssh-agent)"; ssh-add) or give --ssh ID=SOCKET|KEYFILE');
  }
  list = list.map((p) => resolve(options.cwd, p));
  let socket: string | undefined;
  const keys: AgentKey[] = [];
  for (const path of list) {
    if (socket !== undefined) throw invalid(`--ssh ${id}: only a single socket is allowed`, 'give one agent socket, or key files only');
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      throw invalid(`--ssh ${id}: ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`, 'give the path of an agent socket or of a private key file', { path });
    }
    if (info.isSocket()) {
      socket = path;
      continue;
    }
    let text: string;
    try {
      text = await readKeyFile(path);
    } catch (err) {
      throw invalid(`--ssh ${id}: failed to read ${path}: ${(err as Error).message}`, 'give the path of an agent socket or of a private key file', { path });
    }
    keys.push(parsePrivateKey(text, path));
  }
  if (socket !== undefined) {
    if (keys.length > 0) throw invalid(`--ssh ${id}: invalid combination of keys and sockets`, 'give one agent socket, or key files only');
    return { kind: 'socket', path: socket };
  }
  return { kind: 'keys', keys };
}

/**
 * Checks the `--ssh` flags as BuildKit's agent provider does before a build starts (an empty id is
 * `default`; ids are unique; sockets and key files exist; keys parse) and returns the agents.
 */
export async function openSshAgents(specs: readonly SshSpec[], options: OpenSshAgentsOptions): Promise<SshAgents> {
  const sources = new Map<string, AgentSource>();
  for (const spec of specs) {
    const id = spec.id === '' ? DEFAULT_SSH_ID : spec.id;
    if (sources.has(id)) throw invalid(`duplicate agent ID ${JSON.stringify(id)} in --ssh`, 'give each --ssh a different id');
    sources.set(id, await agentSource(id, spec.paths, options));
  }
  return {
    ids: [...sources.keys()],
    has: (id) => sources.has(id),
    listen: async (id, socketPath, owner) => {
      const source = sources.get(id);
      if (source === undefined) throw new Error(`invariant failed: no ssh agent ${id}`);
      const session = (): AgentSession => (source.kind === 'socket' ? forwardingSession(source.path) : keyringSession(source.keys));
      return listenAgent(socketPath, owner, session);
    },
  };
}

async function listenAgent(socketPath: string, owner: SocketOwner, session: () => AgentSession): Promise<AgentListener> {
  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    serveAgentConnection(socket, session());
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(socketPath, () => {
      server.off('error', fail);
      ok();
    });
  });
  const close = (): Promise<void> =>
    new Promise((done) => {
      for (const socket of connections) socket.destroy();
      server.close(() => {
        done();
      });
    });
  try {
    await chown(socketPath, owner.uid, owner.gid);
    await chmod(socketPath, owner.mode & 0o777);
  } catch (err) {
    await close();
    throw err;
  }
  return { close };
}
