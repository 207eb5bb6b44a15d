/**
 * `stagecraft prune --cache` on a state root of its own: build with a cache mount, prune through
 * the real command, then check that the cache mount is empty, the unpacked layers and cache records
 * are gone, the next build runs every step again (starting from an empty cache), and `verify`
 * finds the store whole.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { definePruneCommand } from '../../src/cli/commands/prune.js';
import { defineVerifyCommand } from '../../src/cli/commands/verify.js';
import { createRecordingSink } from '../../src/events/index.js';
import { prepareSnapshot } from '../../src/snapshot/index.js';
import { build } from '../../src/solve/index.js';
import type { BuildResult } from '../../src/solve/index.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { e2eRoot, e2eUnavailable, ensureBaseImages } from '../e2e/support/e2e-env.js';
import { ranSteps } from '../e2e/support/build-driver.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`prune --cache integration test skipped: ${reason}`);

const DOCKERFILE = [
  'FROM debian:bookworm-slim',
  'RUN --mount=type=cache,id=pc,target=/cache sh -c "echo x >> /cache/log; wc -l < /cache/log > /count"',
  'RUN echo second > /second',
  '',
].join('\n');

/** Runs `stagecraft --root ROOT <args>` with the given command definitions; returns what it printed. */
async function cli(root: string, define: (program: Command) => void, args: readonly string[]): Promise<string> {
  const program = new Command('stagecraft').option('--root <dir>').exitOverride();
  define(program);
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await program.parseAsync(['--root', root, ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return stdout;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

describe.skipIf(reason !== undefined)('stagecraft prune --cache', () => {
  let root: string;
  let context: string;
  let store: Store;
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
    root = await mkdtemp(join(tmpdir(), 'stagecraft-prune-cache-root-'));
    context = await mkdtemp(join(tmpdir(), 'stagecraft-prune-cache-ctx-'));
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    store = await openStore(root);
    // the base image, copied from the end-to-end store (same blobs, no bootstrap)
    const base = await (await openStore(e2eRoot())).getImage('debian:bookworm-slim');
    await store.putImage(base, { tags: ['debian:bookworm-slim'] });
  }, 1_800_000);
  afterAll(async () => {
    await rm(context, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  });

  /** Builds pc:1; `ran` is the RUN steps that ran (not CACHED), `count` the lines the cache mount's log had. */
  async function buildOnce(): Promise<{ result: BuildResult; ran: string[]; count: string }> {
    const recording = createRecordingSink();
    const result = await build(
      { dockerfile: DOCKERFILE, dockerfilePath: join(context, 'Dockerfile'), contextDir: context, tags: ['pc:1'] },
      { store, events: recording.sink },
    );
    const snapshot = await prepareSnapshot(await result.lowerDirs(), { root });
    try {
      return { result, ran: ranSteps(recording).filter((label) => label.includes('] RUN ')), count: (await readFile(join(snapshot.rootfs, 'count'), 'utf8')).trim() };
    } finally {
      await snapshot.release();
    }
  }

  it('empties the cache mounts and the build cache; the next build runs every step from an empty cache; verify is clean', { timeout: 600_000 }, async () => {
    const first = await buildOnce();
    expect(first.ran).toHaveLength(2);
    expect(first.count).toBe('1');
    const cached = await buildOnce();
    expect(cached.ran).toEqual([]);
    expect(await entries(join(root, 'cache-mounts'))).toHaveLength(1);
    expect((await entries(join(root, 'snapshots', 'layers'))).length).toBeGreaterThan(0);
    expect((await store.kv.keys('solve/')).length).toBeGreaterThan(0);

    const printed = await cli(root, definePruneCommand, ['prune', '--cache']);
    expect(printed).toMatch(/^ {2}cache mounts: {8}1 directory \([\d.]+[kM]?B\): id=pc$/m);
    expect(printed).toMatch(/^ {2}cache records: {7}[1-9]\d*$/m);
    expect(printed).toMatch(/^ {2}unpacked layers: {5}[1-9]\d* \([\d.]+[kMG]?B\)$/m);
    expect(printed).toMatch(/^Total reclaimed space: [\d.]+[kMG]?B$/m);
    expect(printed).not.toMatch(/Kept/);
    expect(await entries(join(root, 'cache-mounts'))).toEqual([]);
    expect(await entries(join(root, 'snapshots', 'layers'))).toEqual([]);
    expect(await store.kv.keys('solve/')).toEqual([]);

    const verified = await cli(root, defineVerifyCommand, ['verify']);
    expect(verified).toMatch(/^Checked \d+ blobs/);
    expect(verified).not.toMatch(/corrupt|missing|broken/i);
    expect(await store.verify()).toMatchObject({ corrupt: [], brokenImages: [] });

    // the tagged image is still whole, and the next build runs both steps, the cache starting empty
    expect((await store.listImages()).map((i) => `${i.repository}:${i.tag}`).sort()).toEqual(['debian:bookworm-slim', 'pc:1']);
    const again = await buildOnce();
    expect(again.ran).toHaveLength(2);
    expect(again.count).toBe('1');

    // a second prune right away still finds the new build cache; one after it finds nothing
    await cli(root, definePruneCommand, ['prune', '--cache']);
    const nothing = await cli(root, definePruneCommand, ['prune', '--cache']);
    expect(nothing).toMatch(/cache mounts: +0 directories \(0B\)/);
    expect(nothing).toMatch(/cache records: +0$/m);
    expect(nothing).toMatch(/Total reclaimed space: 0B/);
  });
});
