import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSshAgents } from './ssh-agents.js';
import type { AgentListener } from './ssh-agents.js';

const tools = ['ssh-agent', 'ssh-add', 'ssh-keygen'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
if (tools.length > 0) console.warn(`ssh agent tests skipped: ${tools.join(', ')} not installed (Debian: openssh-client)`);

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an OpenSSH tool against the agent at `socket` (asynchronously: the agent under test lives in this process). */
function withAgent(socket: string, command: string, args: readonly string[], input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', SSH_AUTH_SOCK: socket }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** The base64 blobs of `ssh-add -L` output or of .pub files. */
function blobs(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(' ')[1] ?? '');
}

describe.skipIf(tools.length > 0)('ssh agents for RUN --mount=type=ssh, checked with OpenSSH', () => {
  let dir: string;
  let agent: ChildProcess;
  let hostAgent: string;
  const keys: Record<string, string> = {};
  const listeners: AgentListener[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-ssh-agents-'));
    for (const [name, args] of Object.entries({ ed: ['-t', 'ed25519'], rsa: ['-t', 'rsa', '-b', '2048'], ec: ['-t', 'ecdsa', '-b', '256'] })) {
      keys[name] = join(dir, name);
      expect(spawnSync('ssh-keygen', ['-q', ...args, '-N', '', '-C', name, '-f', join(dir, name)]).status).toBe(0);
    }
    await writeFile(join(dir, 'data'), 'signed by a key the build never sees\n');
    hostAgent = join(dir, 'host-agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', hostAgent], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(hostAgent); i++) await new Promise((r) => setTimeout(r, 50));
    expect((await withAgent(hostAgent, 'ssh-add', [keys['ed'] ?? ''])).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(listeners.map((l) => l.close()));
    agent.kill();
    await rm(dir, { recursive: true, force: true });
  });

  async function listen(specs: Parameters<typeof openSshAgents>[0], id: string, name: string, owner = { uid: 0, gid: 0, mode: 0o600 }): Promise<string> {
    const agents = await openSshAgents(specs, { env: { SSH_AUTH_SOCK: hostAgent }, cwd: dir });
    const socket = join(dir, name);
    listeners.push(await agents.listen(id, socket, owner));
    return socket;
  }

  /** ssh-keygen -Y sign through the agent at `socket` with `key`, then verifies the signature. */
  async function signAndVerify(socket: string, key: string): Promise<boolean> {
    const data = join(dir, 'data');
    await rm(`${data}.sig`, { force: true });
    // only the public key where ssh-keygen looks: it cannot fall back to the private key file
    const pub = join(dir, 'public-only.pub');
    await copyFile(`${key}.pub`, pub);
    const signed = await withAgent(socket, 'ssh-keygen', ['-Y', 'sign', '-f', pub, '-n', 'stagecraft-test', data]);
    if (signed.code !== 0) return false;
    const checked = await withAgent(socket, 'ssh-keygen', ['-Y', 'check-novalidate', '-n', 'stagecraft-test', '-f', pub, '-s', `${data}.sig`], await readFile(data, 'utf8'));
    return checked.code === 0;
  }

  it('serves key files: ssh-add -L lists them, ssh-keygen signs through it and the signatures verify', { timeout: 60_000 }, async () => {
    const socket = await listen([{ id: 'deploy', paths: ['ed', 'rsa', keys['ec'] ?? ''] }], 'deploy', 'keys.sock');
    const listed = await withAgent(socket, 'ssh-add', ['-L']);
    expect(listed.code).toBe(0);
    const pubs = await Promise.all(['ed', 'rsa', 'ec'].map((name) => readFile(`${keys[name] ?? ''}.pub`, 'utf8')));
    expect(blobs(listed.stdout)).toEqual(pubs.flatMap(blobs));
    for (const name of ['ed', 'rsa', 'ec']) expect(await signAndVerify(socket, keys[name] ?? '')).toBe(true);
    // read-only: nothing can be added to or removed from the build's agent
    expect((await withAgent(socket, 'ssh-add', [keys['ed'] ?? ''])).code).not.toBe(0);
    expect((await withAgent(socket, 'ssh-add', ['-D'])).code).not.toBe(0);
    expect(blobs((await withAgent(socket, 'ssh-add', ['-L'])).stdout)).toHaveLength(3);
  });

  it('forwards the host agent read-only: lists and signs, but cannot add, remove or delete keys', { timeout: 60_000 }, async () => {
    const socket = await listen([{ id: '', paths: [] }], 'default', 'forward.sock');
    const direct = await withAgent(hostAgent, 'ssh-add', ['-L']);
    const forwarded = await withAgent(socket, 'ssh-add', ['-L']);
    expect(forwarded.code).toBe(0);
    expect(forwarded.stdout).toBe(direct.stdout);
    expect(blobs(forwarded.stdout)).toEqual(blobs(await readFile(`${keys['ed'] ?? ''}.pub`, 'utf8')));
    expect(await signAndVerify(socket, keys['ed'] ?? '')).toBe(true);
    // a key the agent does not hold cannot sign
    expect(await signAndVerify(socket, keys['rsa'] ?? '')).toBe(false);
    expect((await withAgent(socket, 'ssh-add', [keys['rsa'] ?? ''])).code).not.toBe(0);
    expect((await withAgent(socket, 'ssh-add', ['-d', `${keys['ed'] ?? ''}.pub`])).code).not.toBe(0);
    expect((await withAgent(socket, 'ssh-add', ['-D'])).code).not.toBe(0);
    // the host agent still holds exactly what it held
    expect((await withAgent(hostAgent, 'ssh-add', ['-L'])).stdout).toBe(direct.stdout);
  });

  it('gives the socket the owner and mode of the mount, and removes it when closed', { timeout: 30_000 }, async () => {
    const agents = await openSshAgents([{ id: 'default', paths: [hostAgent] }], { env: {}, cwd: dir });
    const socket = join(dir, 'owned.sock');
    const listener = await agents.listen('default', socket, { uid: 1000, gid: 1001, mode: 0o660 });
    const info = await stat(socket);
    expect(info.isSocket()).toBe(true);
    expect([info.uid, info.gid, info.mode & 0o777]).toEqual([1000, 1001, 0o660]);
    await listener.close();
    expect(existsSync(socket)).toBe(false);
  });

  it.each([
    { name: 'default without SSH_AUTH_SOCK', specs: [{ id: 'default', paths: [] }], env: {}, message: 'make sure SSH_AUTH_SOCK is set' },
    { name: 'an empty path and no SSH_AUTH_SOCK', specs: [{ id: 'x', paths: [''] }], env: {}, message: 'make sure SSH_AUTH_SOCK is set' },
    { name: 'a missing path', specs: [{ id: 'x', paths: ['missing-key'] }], env: {}, message: 'missing-key: no such file or directory' },
    { name: 'the same id twice', specs: [{ id: 'default', paths: ['ed'] }, { id: '', paths: ['rsa'] }], env: {}, message: 'duplicate agent ID "default"' },
    { name: 'two sockets', specs: [{ id: 'x', paths: ['host-agent.sock', 'host-agent.sock'] }], env: {}, message: 'only a single socket' },
    { name: 'a socket after keys', specs: [{ id: 'x', paths: ['ed', 'host-agent.sock'] }], env: {}, message: 'invalid combination of keys and sockets' },
    { name: 'a file that is not a key', specs: [{ id: 'x', paths: ['data'] }], env: {}, message: 'failed to parse' },
  ])('refuses $name before the build', async ({ specs, env, message }) => {
    await expect(openSshAgents(specs, { env, cwd: dir })).rejects.toMatchObject({ code: 'INVALID_SSH_AGENT', message: expect.stringContaining(message) as unknown });
  });
});
