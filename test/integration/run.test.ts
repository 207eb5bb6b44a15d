// stagecraft run/ps/logs/stop/rm in real containers (root, runc, overlayfs, slirp4netns), on a
// tiny image imported from the host's own programs. Each test checks what docker would do, and
// that nothing of a container is left running or mounted afterwards.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineLogsCommand } from '../../src/cli/commands/logs.js';
import { definePsCommand } from '../../src/cli/commands/ps.js';
import { defineRmCommand } from '../../src/cli/commands/rm.js';
import { executeRun } from '../../src/cli/commands/run.js';
import { defineStopCommand } from '../../src/cli/commands/stop.js';
import { findContainer, listContainerRecords, readContainerRecord } from '../../src/container/index.js';
import type { ContainerRecord } from '../../src/container/index.js';
import { openStore } from '../../src/store/index.js';
import { compileSupervisor, containerTestsUnavailable, eventually, importTinyImage, mountsUnder, processesMentioning } from './run-support.js';

const reason = await containerTestsUnavailable();
if (reason !== undefined) console.warn(`run integration tests skipped: ${reason}`);

interface RunOutput {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
let root: string;
let supervisor: string;

async function run(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<RunOutput> {
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
      env: { PATH: process.env['PATH'] ?? '', STAGECRAFT_SUPERVISOR_SCRIPT: supervisor, ...extraEnv },
    },
  });
  return { status, stdout, stderr };
}

/** Runs ps/logs/stop/rm through commander, as the CLI would; stdout and stderr captured. */
async function cli(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command('stagecraft').option('--root <dir>').exitOverride();
  definePsCommand(program);
  defineLogsCommand(program);
  defineStopCommand(program);
  defineRmCommand(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    await program.parseAsync(['--root', root, ...args], { from: 'user' });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

async function record(ref: string): Promise<ContainerRecord> {
  return findContainer(root, ref);
}

/** Nothing of any container is mounted, and no slirp4netns, runc or supervisor of this root runs. */
async function expectNothingLeft(): Promise<void> {
  await eventually(async () => (await processesMentioning(root)).length === 0, 10_000, 'the processes of the test root to end');
  expect(mountsUnder(join(root, 'containers'))).toEqual([]);
  expect(await processesMentioning(root)).toEqual([]);
}

describe.skipIf(reason !== undefined)('stagecraft run', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-run-'));
    root = join(dir, 'root');
    supervisor = await compileSupervisor();
    const store = await openStore(root);
    await importTinyImage(store, dir, 'tiny:cmd', ['CMD ["echo", "hello from tiny"]', 'ENV GREETING=hi FOO=image', 'WORKDIR /srv/app']);
    await importTinyImage(store, dir, 'tiny:entry', ['ENTRYPOINT ["echo", "entry:"]', 'CMD ["default", "args"]', 'USER tester']);
    await importTinyImage(store, dir, 'tiny:stop', ['STOPSIGNAL SIGUSR1', 'CMD ["sh", "-c", "trap \'echo got usr1; exit 3\' USR1; echo ready; while :; do sleep 0.05; done"]']);
  }, 120_000);

  afterAll(async () => {
    for (const c of await listContainerRecords(root).catch(() => [])) await cli(['rm', '-f', c.id]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the image CMD in the foreground, prints its output and returns its exit code', async () => {
    const hello = await run(['--rm', 'tiny:cmd']);
    expect(hello).toEqual({ status: 0, stdout: 'hello from tiny\n', stderr: '' });
    const failing = await run(['--rm', 'tiny:cmd', 'sh', '-c', 'echo out; echo err >&2; exit 42']);
    expect(failing).toEqual({ status: 42, stdout: 'out\n', stderr: 'err\n' });
    expect(await listContainerRecords(root)).toEqual([]);
    await expectNothingLeft();
  });

  it('applies the image ENV, WORKDIR and USER, then -e/--env-file, -w and -u over them', async () => {
    const defaults = await run(['--rm', 'tiny:cmd', 'sh', '-c', 'echo "$GREETING $FOO $HOSTNAME $HOME"; pwd; id -u']);
    const [env, cwd, uid] = defaults.stdout.trimEnd().split('\n');
    expect(env).toMatch(/^hi image [0-9a-f]{12} \/root$/);
    expect(cwd).toBe('/srv/app');
    expect(uid).toBe('0');

    const envFile = join(dir, 'env.list');
    await writeFile(envFile, '# comment\n\nFROM_FILE=file value\n  FOO=from-file\nPASSED\n');
    const flags = await run(
      ['--rm', '--env-file', envFile, '-e', 'FOO=flag', '-e', 'PASSED', '-e', 'MISSING', '-w', '/made/here', '-u', 'tester', 'tiny:cmd', 'sh', '-c', 'echo "$FOO|$FROM_FILE|$PASSED|${MISSING-unset}|$GREETING|$HOME"; pwd; id -u; id -g'],
      { PASSED: 'from-host' },
    );
    expect(flags.stdout.trimEnd().split('\n')).toEqual(['flag|file value|from-host|unset|hi|/home/tester', '/made/here', '1234', '1234']);

    const uidGid = await run(['--rm', '-u', '4321:55', 'tiny:cmd', 'id']);
    expect(uidGid.stdout).toMatch(/^uid=4321 gid=55/);

    const unknown = await run(['--rm', '-u', 'nobody2', 'tiny:cmd']);
    expect(unknown.status).toBe(125);
    expect(unknown.stderr).toMatch(/nobody2/);
    await expectNothingLeft();
  });

  it('follows ENTRYPOINT/CMD rules: args replace CMD, --entrypoint replaces ENTRYPOINT and drops CMD', async () => {
    expect((await run(['--rm', 'tiny:entry'])).stdout).toBe('entry: default args\n');
    expect((await run(['--rm', 'tiny:entry', 'mine', '-la'])).stdout).toBe('entry: mine -la\n');
    expect((await run(['--rm', '--entrypoint', 'id', 'tiny:entry', '-u'])).stdout).toBe('1234\n');
    expect((await run(['--rm', '--entrypoint', 'echo', 'tiny:entry'])).stdout).toBe('\n');
    expect((await run(['--rm', '--entrypoint', '', 'tiny:entry', 'echo', 'plain'])).stdout).toBe('plain\n');
  });

  it("exits 127 for a command that is not found, 126 for one that cannot be executed, 125 for run's own errors", async () => {
    const missing = await run(['--rm', 'tiny:cmd', 'no-such-command']);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toMatch(/no-such-command/);
    const notExecutable = await run(['--rm', 'tiny:cmd', '/etc/passwd']);
    expect(notExecutable.status).toBe(126);
    expect((await run(['no-such-image:1'])).status).toBe(125);
    expect((await run(['--bogus', 'tiny:cmd'])).status).toBe(125);
    expect((await run(['-p', '1.2.3.4:80:80', 'tiny:cmd'])).status).toBe(125);
    const kept = await run(['--name', 'kept', 'tiny:cmd', 'no-such-command']);
    expect(kept.status).toBe(127);
    expect((await cli(['ps', '-a'])).stdout).toMatch(/kept\n?$/m);
    expect((await record('kept')).status).toBe('created');
    await cli(['rm', 'kept']);
    await expectNothingLeft();
  });
});
