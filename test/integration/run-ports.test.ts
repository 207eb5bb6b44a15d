// stagecraft run -p: an HTTP server in a node:18-slim container (bootstrapped from Debian packages
// in the shared test root) answers on the forwarded 127.0.0.1 port, and only there; stop ends it
// and leaves nothing running or mounted.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrapBaseImages, findDebianMirror } from '../../src/bootstrap/index.js';
import { definePsCommand } from '../../src/cli/commands/ps.js';
import { defineRmCommand } from '../../src/cli/commands/rm.js';
import { executeRun } from '../../src/cli/commands/run.js';
import { defineStopCommand } from '../../src/cli/commands/stop.js';
import { findContainer, listContainerRecords } from '../../src/container/index.js';
import { openStore } from '../../src/store/index.js';
import { sharedTestRoot } from '../support/test-store-root.js';
import { compileSupervisor, containerTestsUnavailable, eventually, mountsUnder, processesMentioning } from './run-support.js';

const IMAGE = 'node:18-slim';
const root = sharedTestRoot();

async function imageAvailable(): Promise<string | undefined> {
  const store = await openStore(root);
  if ((await store.resolveRef(IMAGE)) !== undefined) return undefined;
  if (spawnSync('sh', ['-c', 'command -v debootstrap']).status !== 0) return `${IMAGE} is not in the shared test root and debootstrap is not installed`;
  if ((await findDebianMirror()) === undefined) return `${IMAGE} is not in the shared test root and there is no Debian mirror in /etc/apt`;
  return undefined;
}

const reason = (await containerTestsUnavailable()) ?? (await imageAvailable());
if (reason !== undefined) console.warn(`run -p integration tests skipped: ${reason}`);

let supervisor: string;
const prefix = `ports-${String(process.pid)}`;

async function run(args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await executeRun(args, {
    root,
    io: {
      write: (stream, chunk) => {
        const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
        if (stream === 'stdout') stdout += text;
        else stderr += text;
      },
      env: { PATH: process.env['PATH'] ?? '', STAGECRAFT_SUPERVISOR_SCRIPT: supervisor },
    },
  });
  return { status, stdout, stderr };
}

async function cli(args: readonly string[]): Promise<string> {
  const program = new Command('stagecraft').option('--root <dir>').exitOverride();
  definePsCommand(program);
  defineStopCommand(program);
  defineRmCommand(program);
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    await program.parseAsync(['--root', root, ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

function get(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve(body);
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function answers(port: number): Promise<string | undefined> {
  try {
    return await get(port);
  } catch {
    return undefined;
  }
}

/** Local addresses listening on `port` (hex, as /proc/net/tcp writes them: 0100007F is 127.0.0.1). */
async function listeners(port: number): Promise<string[]> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(file, 'utf8')).split('\n').slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (local?.endsWith(`:${hexPort}`) === true && state === '0A') found.push(local.split(':')[0] ?? '');
    }
  }
  return found;
}

const SERVER = "require('http').createServer((q, s) => s.end('hi from ' + require('os').hostname())).listen(3000)";

describe.skipIf(reason !== undefined)('stagecraft run -p (slirp4netns forwards from 127.0.0.1)', () => {
  beforeAll(async () => {
    supervisor = await compileSupervisor();
    const store = await openStore(root);
    if ((await store.resolveRef(IMAGE)) === undefined) await bootstrapBaseImages(store, { names: [IMAGE] });
  }, 900_000);

  afterAll(async () => {
    for (const c of await listContainerRecords(root)) if (c.name.startsWith(prefix)) await cli(['rm', '-f', c.id]).catch(() => undefined);
  });

  it('an HTTP server in the container answers on the published 127.0.0.1 port; stop and rm leave nothing behind', async () => {
    const port = await freePort();
    const name = `${prefix}-web`;
    const started = await run(['-d', '--name', name, '-p', `${String(port)}:3000`, IMAGE, 'node', '-e', SERVER]);
    expect(started.stderr).toBe('');
    expect(started.status).toBe(0);
    const id = started.stdout.trim();
    await eventually(async () => (await answers(port)) !== undefined, 20_000, 'the server to answer');
    expect(await get(port)).toBe(`hi from ${id.slice(0, 12)}`);
    expect(await listeners(port)).toEqual(['0100007F']); // bound on 127.0.0.1 only
    expect(await cli(['ps'])).toMatch(new RegExp(`127\\.0\\.0\\.1:${String(port)}->3000/tcp\\s+${name}\\n`));

    // A second container cannot take the same host port.
    const clash = await run(['-d', '--name', `${prefix}-clash`, '-p', `${String(port)}:3000`, IMAGE, 'node', '-e', SERVER]);
    expect(clash.status).toBe(125);
    expect(clash.stderr).toContain(`Bind for 127.0.0.1:${String(port)} failed: port is already allocated`);
    expect((await findContainer(root, `${prefix}-clash`)).status).toBe('created');
    await cli(['rm', `${prefix}-clash`]);

    // node as the first process ignores SIGTERM (as in docker without --init): stop kills it after -t.
    expect(await cli(['stop', '-t', '1', name])).toBe(`${name}\n`);
    expect(await answers(port)).toBeUndefined();
    expect(await listeners(port)).toEqual([]);
    await cli(['rm', name]);
    expect(mountsUnder(join(root, 'containers'))).toEqual([]);
    expect(await processesMentioning(join(root, 'containers'))).toEqual([]);
  });

  it('-p CONTAINERPORT publishes on a free host port, shown by ps', async () => {
    const name = `${prefix}-any`;
    const started = await run(['-d', '--rm', '--name', name, '-p', '3000', IMAGE, 'node', '-e', SERVER]);
    expect(started.status).toBe(0);
    const record = await findContainer(root, name);
    const [mapping] = record.ports;
    expect(mapping?.hostPort).toBeGreaterThan(0);
    const port = mapping?.hostPort ?? 0;
    await eventually(async () => (await answers(port)) !== undefined, 20_000, 'the server to answer');
    expect(await cli(['ps'])).toContain(`127.0.0.1:${String(port)}->3000/tcp`);
    await cli(['stop', '-t', '0', name]);
    await eventually(async () => (await listContainerRecords(root)).every((c) => c.name !== name), 10_000, 'the --rm container to go');
    expect(mountsUnder(join(root, 'containers'))).toEqual([]);
    expect(await processesMentioning(join(root, 'containers'))).toEqual([]);
  });
});
