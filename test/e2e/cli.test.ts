import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineBuildCommand } from '../../src/cli/commands/build.js';
import { formatError } from '../../src/cli/report-error.js';
import { openStore } from '../../src/store/index.js';
import { e2eRoot, e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end tests of stagecraft build skipped: ${reason}`);

/** Runs `stagecraft --root <e2e root> build ...` through commander; returns what it printed, or the error main would format. */
async function stagecraftBuild(args: readonly string[]): Promise<{ stdout: string; stderr: string; error?: { text: string; exitCode: number } }> {
  const program = new Command('stagecraft').option('--root <dir>').exitOverride();
  defineBuildCommand(program);
  let stdout = '';
  let stderr = '';
  // a write's callback must be called: renderers wait for it before they finish
  const capture = (append: (text: string) => void) => (chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') (done as () => void)();
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture((text) => (stdout += text)));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture((text) => (stderr += text)));
  try {
    await program.parseAsync(['--root', e2eRoot(), 'build', ...args], { from: 'user' });
    return { stdout, stderr };
  } catch (error) {
    return { stdout, stderr, error: formatError(error) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe.skipIf(reason !== undefined)('stagecraft build on the command line', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-cli-'));
  }, 1_800_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tags the image, writes --iidfile and an OCI archive, prints plain progress and the image id with -q', { timeout: 300_000 }, async () => {
    await writeFile(join(dir, 'Dockerfile'), 'FROM debian:bookworm-slim\nARG WHO=world\nRUN echo "hello $WHO" > /greeting\n');
    const iid = join(dir, 'iid');
    const plain = await stagecraftBuild(['--progress', 'plain', '--no-cache', '-t', 'e2e-cli:1', '--build-arg', 'WHO=cli', '--label', 'team=e2e', '--iidfile', iid, '-o', `type=oci,dest=${join(dir, 'out.tar')}`, dir]);
    expect(plain.error).toBeUndefined();
    // the progress line shows the command with the build arg expanded, as BuildKit's does
    expect(plain.stderr).toMatch(/#\d+ \[2\/2\] RUN echo "hello cli" > \/greeting\n#\d+ DONE/);
    const id = await readFile(iid, 'utf8');
    expect(id).toMatch(/^sha256:[a-f0-9]{64}$/);
    const store = await openStore(e2eRoot());
    const image = await store.getImage('e2e-cli:1');
    expect((await image.manifest()).config.digest).toBe(id);
    const config = await image.config();
    expect(config.config?.Labels?.['team']).toBe('e2e');
    expect(config.history?.at(-1)?.created_by).toBe('RUN |1 WHO=cli /bin/sh -c echo "hello $WHO" > /greeting # buildkit');
    const archive = await readFile(join(dir, 'out.tar'));
    expect(archive.includes(Buffer.from('oci-layout'))).toBe(true);

    const quiet = await stagecraftBuild(['-q', '--build-arg', 'WHO=cli', '--label', 'team=e2e', dir]);
    expect(quiet.stdout).toBe(`${id}\n`);
  });

  it('a failing RUN: exit code 1, the Dockerfile line, a code frame with >>> and the error', { timeout: 300_000 }, async () => {
    const failing = join(dir, 'failing');
    await writeFile(failing, 'FROM debian:bookworm-slim\nRUN echo step one\nRUN echo oops >&2 && exit 3\nRUN echo never\n');
    const run = await stagecraftBuild(['--progress', 'plain', '--no-cache', '-f', failing, dir]);
    expect(run.error?.exitCode).toBe(1);
    expect(run.error?.text).toContain(`${failing}:3`);
    expect(run.error?.text).toMatch(/\n\s+3 \| >>> RUN echo oops >&2 && exit 3\n/);
    expect(run.error?.text).toContain('ERROR: process "/bin/sh -c echo oops >&2 && exit 3" did not complete successfully: exit code: 3');
    expect(run.stderr).toContain('oops');
    expect(run.stderr).not.toContain('never');
  });

  it('usage errors exit 2 before anything runs', async () => {
    for (const args of [['--network', 'bridge', dir], ['--jobs', '0', dir], ['--output', 'type=zip,dest=x', dir], ['--progress', 'fancy', dir]]) {
      const run = await stagecraftBuild(args);
      expect(run.error?.exitCode).toBe(2);
    }
  });
});
