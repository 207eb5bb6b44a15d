import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineBuildCommand } from '../../src/cli/commands/build.js';
import { formatError } from '../../src/cli/report-error.js';
import { isBuildError } from '../../src/errors/index.js';
import { createRecordingSink } from '../../src/events/index.js';
import { build } from '../../src/solve/index.js';
import type { BuildRequest } from '../../src/solve/index.js';
import { buildIn, e2eStore, withImageFiles } from './support/build-driver.js';
import { e2eRoot, e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end tests of RUN --network/--security skipped: ${reason}`);

/** Runs `stagecraft --root <e2e root> build ...` through commander; the error is formatted as main prints it. */
async function stagecraftBuild(args: readonly string[]): Promise<{ stderr: string; error?: { text: string; exitCode: number } }> {
  const program = new Command('stagecraft').option('--root <dir>').exitOverride();
  defineBuildCommand(program);
  let stderr = '';
  const capture = (append: (text: string) => void) => (chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') (done as () => void)();
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture(() => undefined));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture((text) => (stderr += text)));
  try {
    await program.parseAsync(['--root', e2eRoot(), 'build', ...args], { from: 'user' });
    return { stderr };
  } catch (error) {
    return { stderr, error: formatError(error) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const capLine = (text: string, name: string): string => new RegExp(`^${name}:\\s*(\\w+)$`, 'm').exec(text)?.[1] ?? '';

/** A Dockerfile whose insecure step does what the sandbox cannot: mount a file system, with every capability. */
const PRIVILEGED = (tag: string): string =>
  [
    'FROM debian:bookworm-slim',
    `RUN (mkdir -p /mnt/s && mount -t tmpfs none /mnt/s 2>/dev/null && echo yes || echo no) > /sandbox-mount; grep CapEff /proc/self/status > /sandbox-caps # ${tag}`,
    'RUN --security=insecure mkdir -p /mnt/i && mount -t tmpfs none /mnt/i && echo yes > /insecure-mount && grep CapEff /proc/self/status > /insecure-caps',
    '',
  ].join('\n');

describe.skipIf(reason !== undefined)('RUN --network and --security end to end', () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
  }, 1_800_000);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function context(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-runopts-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return dir;
  }

  it('with --allow security.insecure an insecure RUN mounts a tmpfs with every capability; a sandbox RUN cannot', { timeout: 180_000 }, async () => {
    const dir = await context({ Dockerfile: PRIVILEGED(String(Date.now())) });
    const { result } = await buildIn(dir, { allow: ['security.insecure'] });
    const files = await withImageFiles(result, async (rootfs) => {
      const read = (path: string): Promise<string> => readFile(join(rootfs, path), 'utf8');
      return {
        sandboxMount: (await read('sandbox-mount')).trim(),
        sandboxCaps: capLine(await read('sandbox-caps'), 'CapEff'),
        insecureMount: (await read('insecure-mount')).trim(),
        insecureCaps: capLine(await read('insecure-caps'), 'CapEff'),
      };
    });
    const host = capLine(await readFile('/proc/self/status', 'utf8'), 'CapPrm');
    expect(files).toEqual({ sandboxMount: 'no', sandboxCaps: '00000000a80425fb', insecureMount: 'yes', insecureCaps: host });
    // the tmpfs mounted in the step is not part of the layer
    expect(await withImageFiles(result, async (rootfs) => (await import('node:fs/promises')).readdir(join(rootfs, 'mnt/i')))).toEqual([]);
  });

  it('without --allow the same Dockerfile fails before anything runs, at the insecure line, saying how to allow it', { timeout: 120_000 }, async () => {
    const dir = await context({ Dockerfile: PRIVILEGED(`denied ${String(Date.now())}`) });
    const recording = createRecordingSink();
    const request: BuildRequest = { dockerfile: await readFile(join(dir, 'Dockerfile'), 'utf8'), dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir };
    const error = await build(request, { store: await e2eStore(), events: recording.sink }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isBuildError(error) && error.code).toBe('ENTITLEMENT_NOT_ALLOWED');
    expect(isBuildError(error) && error.locations[0]?.start.line).toBe(3);
    // no step started: the first RUN (sandboxed, allowed) did not run either
    expect(recording.events.filter((e) => e.type === 'step-started')).toEqual([]);

    const cli = await stagecraftBuild(['--progress', 'plain', dir]);
    expect(cli.error?.exitCode).toBe(1);
    expect(cli.error?.text).toContain(`${join(dir, 'Dockerfile')}:3`);
    expect(cli.error?.text).toContain('>>> RUN --security=insecure');
    expect(cli.error?.text).toContain('ERROR: RUN --security=insecure needs the entitlement security.insecure');
    expect(cli.error?.text).toContain('hint: allow it with `stagecraft build --allow security.insecure');

    const allowed = await stagecraftBuild(['--progress', 'plain', '--allow', 'security.insecure', dir]);
    expect(allowed.error).toBeUndefined();
    expect(allowed.stderr).toMatch(/RUN --security=insecure mkdir -p \/mnt\/i[^\n]*\n#\d+ DONE/);
  });

  it('RUN --network=none sees only lo while the build network is the host; --network=host needs network.host when the build network is none', { timeout: 180_000 }, async () => {
    const tag = String(Date.now());
    const dir = await context({
      Dockerfile: [
        'FROM debian:bookworm-slim',
        `RUN --network=none ls /sys/class/net > /none-nets # ${tag}`,
        `RUN ls /sys/class/net > /default-nets # ${tag}`,
        `RUN --network=host ls /sys/class/net > /host-nets # ${tag}`,
        '',
      ].join('\n'),
    });
    const hostNets = (await (await import('node:fs/promises')).readdir('/sys/class/net')).sort();
    const lists = async (run: Awaited<ReturnType<typeof buildIn>>): Promise<Record<string, string[]>> =>
      withImageFiles(run.result, async (rootfs) => {
        const list = async (name: string): Promise<string[]> => (await readFile(join(rootfs, name), 'utf8')).trim().split('\n').sort();
        return { none: await list('none-nets'), default: await list('default-nets'), host: await list('host-nets') };
      });
    expect(hostNets.length).toBeGreaterThan(1);
    expect(await lists(await buildIn(dir))).toEqual({ none: ['lo'], default: hostNets, host: hostNets });

    const denied = await buildIn(dir, { network: 'none' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isBuildError(denied) && denied.code).toBe('ENTITLEMENT_NOT_ALLOWED');
    expect(isBuildError(denied) && denied.locations[0]?.start.line).toBe(4);
    expect(isBuildError(denied) && denied.hint).toContain('--allow network.host');

    expect(await lists(await buildIn(dir, { network: 'none', allow: ['network.host'] }))).toEqual({ none: ['lo'], default: ['lo'], host: hostNets });
  });
});
