// stagecraft run/ps/logs/stop/rm in real containers (root, runc, overlayfs, slirp4netns), on a
// tiny image imported from the host's own programs. Each test checks what docker would do, and
// that nothing of a container is left running or mounted afterwards.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineLogsCommand } from '../../src/cli/commands/logs.js';
import { definePsCommand } from '../../src/cli/commands/ps.js';
import { defineRmCommand } from '../../src/cli/commands/rm.js';
import { executeRun } from '../../src/cli/commands/run.js';
import { defineStopCommand } from '../../src/cli/commands/stop.js';
import { findContainer, listContainerRecords, readContainerRecord, SUPERVISOR_DIED } from '../../src/container/index.js';
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

type SignalHandler = (signal: NodeJS.Signals) => void;

async function run(args: readonly string[], extraEnv: Record<string, string> = {}, onOutput?: (stdout: string, send: SignalHandler) => void): Promise<RunOutput> {
  let stdout = '';
  let stderr = '';
  let handler: SignalHandler = () => undefined;
  const status = await executeRun(args, {
    root,
    io: {
      write: (stream, chunk) => {
        const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
        if (stream === 'stdout') stdout += text;
        else stderr += text;
        onOutput?.(stdout, handler);
      },
      env: { PATH: process.env['PATH'] ?? '', STAGECRAFT_SUPERVISOR_SCRIPT: supervisor, ...extraEnv },
      onSignal: (h) => {
        handler = h;
        return () => {
          handler = () => undefined;
        };
      },
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
    expect(missing.stderr.match(/executable file not found/g)).toHaveLength(1); // runc's own line is not echoed as output
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

  it('-d starts a container that outlives the command; ps, logs, stop with the STOPSIGNAL, rm', async () => {
    const started = await run(['-d', '--name', 'stopper', 'tiny:stop']);
    expect(started.status).toBe(0);
    expect(started.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const id = started.stdout.trim();
    const running = await record('stopper');
    expect(running.id).toBe(id);
    expect(running.status).toBe('running');
    expect(running.pid).toBeGreaterThan(0);
    expect((await readFile(`/proc/${String(running.pid)}/cmdline`, 'utf8')).split('\0')[0]).toBe('sh');
    await eventually(async () => (await cli(['logs', 'stopper'])).stdout === 'ready\n', 10_000, 'ready in the log');

    const ps = (await cli(['ps'])).stdout.split('\n');
    expect(ps[0]).toMatch(/^CONTAINER ID\s{3,}IMAGE\s{3,}COMMAND\s{3,}CREATED\s{3,}STATUS\s{3,}PORTS\s{3,}NAMES$/);
    const row = ps.find((line) => line.startsWith(id.slice(0, 12)));
    expect(row).toMatch(/^[0-9a-f]{12}\s{3,}tiny:stop\s{3,}"sh -c trap 'echo go…"\s{3,}(Less than a second|1 second|\d+ seconds) ago\s{3,}Up (Less than a second|1 second|\d+ seconds)\s{3,}stopper$/);
    expect((await cli(['ps', '-q'])).stdout).toBe(`${id.slice(0, 12)}\n`);

    const begin = Date.now();
    expect((await cli(['stop', 'stopper'])).stdout).toBe('stopper\n');
    expect(Date.now() - begin).toBeLessThan(5000); // SIGUSR1 ends it at once; SIGTERM would have waited 10 s
    const stopped = await record(id.slice(0, 8));
    expect(stopped).toMatchObject({ status: 'exited', exitCode: 3 });
    expect(stopped.pid).toBeUndefined();
    expect((await cli(['logs', id])).stdout).toBe('ready\ngot usr1\n');
    expect((await cli(['ps'])).stdout.trim().split('\n')).toHaveLength(1);
    expect((await cli(['ps', '-a'])).stdout).toMatch(/Exited \(3\) (Less than a second|1 second|\d+ seconds) ago\s+stopper\n$/);
    expect(mountsUnder(join(root, 'containers'))).toEqual([]);

    expect((await cli(['rm', 'stopper'])).stdout).toBe('stopper\n');
    await expect(record('stopper')).rejects.toMatchObject({ code: 'CONTAINER_NOT_FOUND' });
    await expectNothingLeft();
  });

  it('stop sends SIGKILL after -t seconds when the stop signal does not end the container', async () => {
    // sleep as the first process of its namespace ignores SIGTERM (no handler), as in docker
    const id = (await run(['-d', '--name', 'sleeper', 'tiny:cmd', 'sleep', '100'])).stdout.trim();
    const begin = Date.now();
    await cli(['stop', '-t', '1', 'sleeper']);
    const elapsed = Date.now() - begin;
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(6000);
    expect(await readContainerRecord(root, id)).toMatchObject({ status: 'exited', exitCode: 137 });
    expect((await cli(['stop', 'sleeper'])).stdout).toBe('sleeper\n'); // stopping a stopped container is fine
    await cli(['rm', 'sleeper']);
    await expectNothingLeft();
  });

  it('logs -f follows until the container ends; stderr lines go to stderr; -t adds times; --tail', async () => {
    const script = 'for i in 1 2 3; do echo line $i; sleep 0.3; done; echo oops >&2';
    const id = (await run(['-d', 'tiny:cmd', 'sh', '-c', script])).stdout.trim();
    const followed = await cli(['logs', '-f', id]);
    expect(followed).toEqual({ stdout: 'line 1\nline 2\nline 3\n', stderr: 'oops\n' });
    expect((await readContainerRecord(root, id))?.status).toBe('exited');
    const stamped = (await cli(['logs', '-t', '--tail', '2', id])).stdout.split('\n');
    expect(stamped[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z line 3$/);
    const lines = (await readFile(join(root, 'containers', id, 'log.json'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l['stream'], l['log']])).toEqual([['stdout', 'line 1\n'], ['stdout', 'line 2\n'], ['stdout', 'line 3\n'], ['stderr', 'oops\n']]);
    expect(Object.keys(lines[0] ?? {})).toEqual(['log', 'stream', 'time']);
    await cli(['rm', id]);
    await expectNothingLeft();
  });

  it('names are unique; rm refuses a running container unless -f; -d --rm removes itself', async () => {
    const first = await run(['-d', '--name', 'dup', 'tiny:cmd', 'sleep', '100']);
    expect(first.status).toBe(0);
    const second = await run(['-d', '--name', 'dup', 'tiny:cmd', 'echo']);
    expect(second.status).toBe(125);
    expect(second.stderr).toContain('Conflict. The container name "/dup" is already in use');
    expect((await listContainerRecords(root)).filter((c) => c.name === 'dup')).toHaveLength(1);
    await expect(cli(['rm', 'dup'])).rejects.toMatchObject({ code: 'CONTAINER_RUNNING' });
    expect((await cli(['rm', '-f', 'dup'])).stdout).toBe('dup\n');
    expect((await run(['--rm', '--name', 'dup', 'tiny:cmd', 'echo'])).status).toBe(0);

    const quick = (await run(['-d', '--rm', 'tiny:cmd', 'sh', '-c', 'sleep 0.2'])).stdout.trim();
    await eventually(async () => (await readContainerRecord(root, quick)) === undefined, 10_000, 'the --rm container to remove itself');
    await expectNothingLeft();
  });

  it('networks: private has its own namespace with tap0, none only loopback, host the host\'s', async () => {
    const devices = async (network: string): Promise<string[]> => {
      const out = await run(['--rm', '--network', network, 'tiny:cmd', 'cat', '/proc/net/dev']);
      return out.stdout.split('\n').slice(2).map((l) => l.trim().split(':')[0] ?? '').filter((n) => n !== '').sort();
    };
    expect(await devices('private')).toEqual(['lo', 'tap0']);
    expect(await devices('none')).toEqual(['lo']);
    const hostDevices = (await readFile('/proc/net/dev', 'utf8')).split('\n').slice(2).map((l) => l.trim().split(':')[0] ?? '').filter((n) => n !== '').sort();
    expect(await devices('host')).toEqual(hostDevices);
    const resolv = await run(['--rm', 'tiny:cmd', 'cat', '/etc/resolv.conf']);
    expect(resolv.stdout).toMatch(/^nameserver 10\.0\.2\.3$/m);
    await expectNothingLeft();
  });

  it('a supervisor killed with SIGKILL is cleaned up after by the next command', async () => {
    const id = (await run(['-d', '--name', 'orphan', '-p', '0:9', 'tiny:cmd', 'sleep', '100'])).stdout.trim();
    const before = await record('orphan');
    expect(before.slirpPid).toBeGreaterThan(0);
    expect(mountsUnder(join(root, 'containers', id)).length).toBeGreaterThanOrEqual(2); // rootfs and netns
    const supervisorPid = Number(before.owner?.split('-')[0]);
    process.kill(supervisorPid, 'SIGKILL');
    await eventually(() => !existsSync(`/proc/${String(supervisorPid)}`), 5000, 'the supervisor to die');
    const ps = await cli(['ps', '-a']);
    expect(ps.stdout).toMatch(/Exited \(137\) .*\s+orphan$/m);
    expect(await record('orphan')).toMatchObject({ status: 'exited', exitCode: 137, error: SUPERVISOR_DIED });
    expect(existsSync(`/proc/${String(before.pid)}`)).toBe(false); // the container's process was killed
    await eventually(() => !existsSync(`/proc/${String(before.slirpPid)}`), 5000, 'slirp4netns to end');
    await cli(['rm', 'orphan']);
    await expectNothingLeft();
  });

  it('forwards SIGINT/SIGTERM to a foreground container, which decides how to end', async () => {
    const script = 'trap "echo bye; exit 5" INT; trap "echo term; exit 6" TERM; echo ready; while :; do sleep 0.05; done';
    let sent = false;
    const interrupted = await run(['--rm', 'tiny:cmd', 'sh', '-c', script], {}, (stdout, send) => {
      if (!sent && stdout.includes('ready')) {
        sent = true;
        send('SIGINT');
      }
    });
    expect(interrupted).toEqual({ status: 5, stdout: 'ready\nbye\n', stderr: '' });
    sent = false;
    const terminated = await run(['--rm', 'tiny:cmd', 'sh', '-c', script], {}, (stdout, send) => {
      if (!sent && stdout.includes('ready')) {
        sent = true;
        send('SIGTERM');
      }
    });
    expect(terminated.status).toBe(6);
    await expectNothingLeft();
  });

  it('-v binds host paths (created when missing), read-only with :ro', async () => {
    const shared = join(dir, 'shared');
    const made = join(dir, 'made', 'by', 'run');
    await mkdir(shared);
    await writeFile(join(shared, 'in.txt'), 'from host\n');
    const result = await run(['--rm', '-v', `${shared}:/data`, '-v', `${made}:/made`, '-v', `${shared}:/ro:ro`, 'tiny:cmd', 'sh', '-c', 'cat /data/in.txt; echo out > /data/out.txt; touch /made/x; touch /ro/y 2>/dev/null || echo read-only']);
    expect(result).toEqual({ status: 0, stdout: 'from host\nread-only\n', stderr: '' });
    expect(await readFile(join(shared, 'out.txt'), 'utf8')).toBe('out\n');
    expect(existsSync(join(made, 'x'))).toBe(true);
    expect(existsSync(join(shared, 'y'))).toBe(false);
    await expectNothingLeft();
  });

  it('keeps the container\'s writable layer until rm', async () => {
    const id = (await run(['-d', 'tiny:cmd', 'sh', '-c', 'echo data > /srv/app/note.txt'])).stdout.trim();
    await eventually(async () => (await readContainerRecord(root, id))?.status === 'exited', 10_000, 'the container to end');
    expect(await readFile(join(root, 'containers', id, 'upper', 'srv', 'app', 'note.txt'), 'utf8')).toBe('data\n');
    expect(mountsUnder(join(root, 'containers', id))).toEqual([]);
    await cli(['rm', id]);
    expect(existsSync(join(root, 'containers', id))).toBe(false);
    await expectNothingLeft();
  });
});
