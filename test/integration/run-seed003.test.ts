// The seeds' ending, end to end: build seed 003's multi-stage image with the engine, run it with
// `run -d -p 3000:3000`, GET http://127.0.0.1:3000/ answers "Hello from the Multi-Stage Build
// Demo!", stop ends it and nothing is left running or mounted. The base images (node:18 and
// node:18-slim from Debian packages, with this machine's CA bundle so npm in the build reaches the
// registry through its TLS proxy) are made once per machine in `<shared test root>-e2e`.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrapBaseImages, findDebianMirror } from '../../src/bootstrap/index.js';
import { definePsCommand } from '../../src/cli/commands/ps.js';
import { defineRmCommand } from '../../src/cli/commands/rm.js';
import { executeRun } from '../../src/cli/commands/run.js';
import { defineStopCommand } from '../../src/cli/commands/stop.js';
import { listContainerRecords } from '../../src/container/index.js';
import { build } from '../../src/solve/index.js';
import { openStore } from '../../src/store/index.js';
import { sharedTestRoot } from '../support/test-store-root.js';
import { compileSupervisor, containerTestsUnavailable, eventually, mountsUnder, processesMentioning, withFileLock } from './run-support.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const CONTEXT = join(REPO, 'examples', 'seed003');
const TAG = 'seed003-run:multi';
const root = `${sharedTestRoot()}-e2e`;
const name = `seed003-run-${String(process.pid)}`;

async function unavailable(): Promise<string | undefined> {
  const base = await containerTestsUnavailable();
  if (base !== undefined) return base;
  if (spawnSync('sh', ['-c', 'command -v debootstrap']).status !== 0) return 'debootstrap is not installed (the base images are made with it)';
  if ((await findDebianMirror()) === undefined) return 'no Debian mirror in /etc/apt';
  return undefined;
}

const reason = await unavailable();
if (reason !== undefined) console.warn(`seed003 run test skipped: ${reason}`);

let supervisor: string;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => {
      resolvePromise(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolvePromise(true);
      });
    });
  });
}

function get(port: number): Promise<string | undefined> {
  return new Promise((resolvePromise) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolvePromise(body);
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      resolvePromise(undefined);
    });
    req.end();
  });
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

describe.skipIf(reason !== undefined)('seed003 end to end: build the multi-stage image, run -d -p 3000:3000, GET, stop', () => {
  beforeAll(async () => {
    supervisor = await compileSupervisor();
    await mkdir(root, { recursive: true });
    await withFileLock(join(root, 'bootstrap.lock'), async () => {
      await bootstrapBaseImages(await openStore(root), { names: ['node:18', 'node:18-slim'], withHostCaCertificates: true });
    });
  }, 1_800_000);

  afterAll(async () => {
    for (const c of await listContainerRecords(root)) if (c.name === name) await cli(['rm', '-f', c.id]).catch(() => undefined);
  });

  it('answers "Hello from the Multi-Stage Build Demo!" on 127.0.0.1:3000 and leaves nothing behind', { timeout: 900_000 }, async () => {
    const store = await openStore(root);
    const dockerfilePath = join(CONTEXT, 'Dockerfile');
    await build({ dockerfile: await readFile(dockerfilePath, 'utf8'), dockerfilePath, contextDir: CONTEXT, tags: [TAG] }, { store });

    let port = 3000;
    if (!(await portIsFree(port))) {
      const server = createServer();
      port = await new Promise<number>((resolvePromise) => server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => {
          resolvePromise(typeof address === 'object' && address !== null ? address.port : 0);
        });
      }));
      console.warn(`seed003 run test: 127.0.0.1:3000 is taken on this machine, publishing on ${String(port)} instead`);
    }

    let stdout = '';
    let stderr = '';
    const status = await executeRun(['-d', '--name', name, '-p', `${String(port)}:3000`, TAG], {
      root,
      io: {
        write: (stream, chunk) => {
          if (stream === 'stdout') stdout += chunk.toString();
          else stderr += chunk.toString();
        },
        env: { PATH: process.env['PATH'] ?? '', STAGECRAFT_SUPERVISOR_SCRIPT: supervisor },
      },
    });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^[0-9a-f]{64}\n$/);

    await eventually(async () => (await get(port)) !== undefined, 30_000, 'the demo to answer');
    expect(await get(port)).toBe('Hello from the Multi-Stage Build Demo!');
    expect(await cli(['ps'])).toMatch(new RegExp(`${TAG.replace(/[.:]/g, '\\$&')}\\s+"node app\\.js"\\s+.*Up .*127\\.0\\.0\\.1:${String(port)}->3000/tcp\\s+${name}\\n`));

    expect(await cli(['stop', '-t', '2', name])).toBe(`${name}\n`);
    expect(await get(port)).toBeUndefined();
    await cli(['rm', name]);
    expect(mountsUnder(join(root, 'containers'))).toEqual([]);
    expect(await processesMentioning(join(root, 'containers'))).toEqual([]);
  });
});
