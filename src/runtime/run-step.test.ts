/**
 * Integration tests: real containers with runc in a tiny rootfs. They need root and runc; without
 * them they are skipped with a warning that says what is missing.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildError } from '../errors/index.js';
import { hostsFileContent } from './etc-files.js';
import { probeRuntime, runContainer } from './runc.js';
import { runStep } from './run-step.js';
import type { RunStepInput } from './run-step.js';
import { buildRuntimeSpec } from './spec.js';
import { createTinyRootfs } from './testing/tiny-rootfs.js';

const exec = promisify(execFile);
const probe = await probeRuntime();
if (!probe.ok) console.warn(`runtime integration tests skipped: ${probe.problems.join('; ')}`);
const crunInstalled = await exec('crun', ['--version']).then(
  () => true,
  () => false,
);

interface Output {
  stdout: string;
  stderr: string;
}

describe.skipIf(!probe.ok)('runStep in runc', () => {
  let dir = '';
  let rootfs = '';
  let stateRoot = '';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-step-'));
    rootfs = await createTinyRootfs(join(dir, 'rootfs'));
    stateRoot = join(dir, 'runc-state');
  });
  afterEach(async () => {
    // No container may be left behind by any test.
    const { stdout } = await exec('runc', ['--root', stateRoot, 'list', '-q']);
    expect(stdout.trim()).toBe('');
    await rm(dir, { recursive: true, force: true });
  });

  async function run(script: string, over: Partial<RunStepInput> = {}, signal?: AbortSignal): Promise<Output> {
    const out: Output = { stdout: '', stderr: '' };
    await runStep(
      { args: ['/bin/sh', '-c', script], env: [], rootfs, network: 'none', ...over },
      {
        stateRoot,
        tempDir: dir,
        ...(signal !== undefined ? { signal } : {}),
        onOutput: (stream, chunk) => {
          out[stream] += chunk.toString('utf8');
        },
      },
    );
    return out;
  }

  async function failure(promise: Promise<unknown>): Promise<BuildError> {
    try {
      await promise;
    } catch (err) {
      if (err instanceof BuildError) return err;
      throw err;
    }
    throw new Error('expected the step to fail');
  }

  it('streams stdout and stderr separately', async () => {
    const out = await run('echo hello; echo oops >&2; echo world');
    expect(out.stdout).toBe('hello\nworld\n');
    expect(out.stderr).toBe('oops\n');
  });

  it('turns a non-zero exit into RUN_FAILED with the exit code and the last lines', async () => {
    const script = 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do echo line$i; done; echo bad; exit 3';
    const err = await failure(run(script));
    expect(err.code).toBe('RUN_FAILED');
    expect(err.message).toBe(`process "/bin/sh -c ${script}" did not complete successfully: exit code: 3`);
    expect(err.details['exitCode']).toBe(3);
    expect(err.details['command']).toBe(`/bin/sh -c ${script}`);
    const lines = err.details['lastLogLines'] as string[];
    expect(lines).toHaveLength(20);
    expect(lines.at(-1)).toBe('bad');
    expect(lines.at(-2)).toBe('line25');
    expect(lines[0]).toBe('line7');
  });

  it('reports a program that does not exist as RUN_FAILED with the runtime message', async () => {
    const err = await failure(runStep({ args: ['/no/such/program'], env: [], rootfs, network: 'none' }, { stateRoot, tempDir: dir }));
    expect(err.code).toBe('RUN_FAILED');
    expect(err.message).toMatch(/^process "\/no\/such\/program" did not complete successfully: .*exec.*no such file/);
    // The runtime's own message arrives on stderr and is among the last lines.
    expect((err.details['lastLogLines'] as string[]).join('\n')).toMatch(/exec.*no such file/);
  });

  it.each([
    { user: '', uid: '0', groups: '0' },
    { user: 'root', uid: '0', groups: '0' },
    { user: 'tester', uid: '1234', groups: '1234 2345' },
    { user: '1234', uid: '1234', groups: '1234 2345' },
    { user: 'tester:extra', uid: '1234', groups: '2345' },
    { user: '1234:1234', uid: '1234', groups: '1234' },
    { user: '4321', uid: '4321', groups: '0' },
  ])('USER "$user" runs as uid $uid with groups $groups', async ({ user, uid, groups }) => {
    const out = await run('id -u; id -G', { user });
    expect(out.stdout).toBe(`${uid}\n${groups}\n`);
  });

  it('an unknown USER name is USER_NOT_FOUND naming the user and the passwd file', async () => {
    const err = await failure(run('true', { user: 'ghost', stage: 'build' }));
    expect(err.code).toBe('USER_NOT_FOUND');
    expect(err.message).toContain('ghost');
    expect(err.message).toContain('/etc/passwd');
  });

  it('creates a missing WORKDIR owned by the user and runs there', async () => {
    const out = await run('pwd; touch mine; ls -n mine', { cwd: '/work/deep', user: 'tester' });
    expect(out.stdout.split('\n')[0]).toBe('/work/deep');
    for (const path of ['work', 'work/deep']) {
      const info = await stat(join(rootfs, path));
      expect({ uid: info.uid, gid: info.gid, mode: info.mode & 0o7777 }).toEqual({ uid: 1234, gid: 1234, mode: 0o755 });
    }
    expect((await stat(join(rootfs, 'work/deep/mine'))).uid).toBe(1234);
  });

  it('network none has only the loopback interface; host shares the host interfaces', async () => {
    const devices = (text: string): string[] =>
      text
        .split('\n')
        .filter((line) => line.includes(':') && !line.includes('|'))
        .map((line) => line.split(':')[0]?.trim() ?? '')
        .sort();
    const none = await run('cat /proc/net/dev');
    expect(devices(none.stdout)).toEqual(['lo']);
    const host = await run('cat /proc/net/dev', { network: 'host' });
    expect(devices(host.stdout)).toEqual(devices(await readFile('/proc/net/dev', 'utf8')));
  });

  it('passes env, adds the default PATH and HOME, and sets the sandbox host name', async () => {
    const out = await run('env; cat /proc/sys/kernel/hostname', { env: ['FOO=bar baz', 'EMPTY='], user: 'tester' });
    const lines = out.stdout.split('\n');
    expect(lines).toContain('FOO=bar baz');
    expect(lines).toContain('EMPTY=');
    expect(lines).toContain('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(lines).toContain('HOME=/home/tester');
    expect(lines).toContain('buildkitsandbox');
    const custom = await run('echo $PATH $HOME', { env: ['PATH=/usr/bin:/bin', 'HOME=/x'] });
    expect(custom.stdout).toBe('/usr/bin:/bin /x\n');
  });

  it('binds the generated /etc files read-only and removes the stubs it needed', async () => {
    const out = await run('cat /etc/hosts; echo x > /etc/hosts || echo read-only');
    expect(out.stdout).toBe(`${hostsFileContent()}read-only\n`);
    const etc = await readdir(join(rootfs, 'etc'));
    expect(etc.sort()).toEqual(['group', 'passwd']);
  });

  it('sandbox steps get the docker capability set; insecure ones what this host has', async () => {
    const capLine = (text: string, name: string): string => new RegExp(`^${name}:\\s*(\\w+)$`, 'm').exec(text)?.[1] ?? '';
    const sandbox = await run('cat /proc/self/status');
    expect(capLine(sandbox.stdout, 'CapBnd')).toBe('00000000a80425fb');
    expect(capLine(sandbox.stdout, 'CapEff')).toBe('00000000a80425fb');
    const insecure = await run('cat /proc/self/status', { security: 'insecure' });
    const host = await readFile('/proc/self/status', 'utf8');
    expect(capLine(insecure.stdout, 'CapEff')).toBe(capLine(host, 'CapPrm'));
  });

  it('mounts extra binds and tmpfs, read-only where asked, and removes their stubs afterwards', async () => {
    const source = join(dir, 'context');
    await mkdir(source);
    await writeFile(join(source, 'input.txt'), 'from the host\n');
    const out = await run('cat /ctx/input.txt; touch /ctx/new 2>/dev/null || echo ro; echo t > /scratch/t && cat /scratch/t; while read dev mnt type rest; do [ "$mnt" = /scratch ] && echo "$type"; done < /proc/mounts; true', {
      mounts: [
        { type: 'bind', source, destination: '/ctx', options: ['ro'] },
        { type: 'tmpfs', destination: '/scratch', size: 1 << 20 },
      ],
    });
    expect(out.stdout).toBe('from the host\nro\nt\ntmpfs\n');
    expect(await readdir(source)).toEqual(['input.txt']);
    expect((await readdir(rootfs)).filter((name) => name === 'ctx' || name === 'scratch')).toEqual([]);
  });

  it('a read-only rootfs cannot be written', async () => {
    const out = await run('touch /tmp/x 2>/dev/null && echo wrote || echo read-only', { rootfsReadonly: true });
    expect(out.stdout).toBe('read-only\n');
    await expect(stat(join(rootfs, 'tmp', 'x'))).rejects.toThrow();
  });

  it('hides the masked /proc paths', async () => {
    const out = await run('echo "[$(cat /proc/keys)]"; echo "[$(cat /proc/kcore)]"; echo "[$(ls -A /proc/acpi 2>/dev/null)]"');
    expect(out.stdout).toBe('[]\n[]\n[]\n');
  });

  it('runs independent steps at the same time', async () => {
    const started = Date.now();
    const outs = await Promise.all([1, 2, 3].map((n) => run(`sleep 1; echo step${String(n)}`)));
    expect(outs.map((o) => o.stdout)).toEqual(['step1\n', 'step2\n', 'step3\n']);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('stops a running step promptly on abort and leaves no container', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = run('echo started; sleep 100', {}, controller.signal);
    setTimeout(() => {
      controller.abort();
    }, 300);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(5000);
    const { stdout } = await exec('runc', ['--root', stateRoot, 'list', '-q']);
    expect(stdout.trim()).toBe('');
  });

  it('does not start at all when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(run('touch /ran', {}, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    await expect(stat(join(rootfs, 'ran'))).rejects.toThrow();
  });

  it.skipIf(crunInstalled)('a runtime that is not installed is RUNTIME_UNAVAILABLE with an install hint', async () => {
    const spec = buildRuntimeSpec({
      args: ['/bin/true'],
      env: [],
      cwd: '/',
      user: { uid: 0, gid: 0 },
      rootfs,
      network: 'none',
      etcFiles: { hosts: '/etc/hosts', resolvConf: '/etc/resolv.conf' },
    });
    const err = await failure(runContainer(spec, { bundleDir: join(dir, 'b'), stateRoot, runtime: 'crun' }));
    expect(err.code).toBe('RUNTIME_UNAVAILABLE');
    expect(err.message).toContain('crun');
    expect(err.hint).toMatch(/apt-get install crun/);
  });
});
