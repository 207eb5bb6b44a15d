import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../../src/errors/index.js';
import { createRecordingSink } from '../../src/events/index.js';
import { build } from '../../src/solve/index.js';
import { e2eStore, stepOutcomes } from './support/build-driver.js';
import { e2eRoot, e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end cancellation tests skipped: ${reason}`);

/** Containers runc still knows about under the store's runtime state directory. */
function runcContainers(): string[] {
  const listed = spawnSync('runc', ['--root', join(e2eRoot(), 'runc'), 'list', '-q'], { encoding: 'utf8' });
  return listed.stdout.split('\n').filter((line) => line !== '');
}

/** Snapshots of this process still recorded as active. */
async function ownSnapshots(): Promise<string[]> {
  const names = await readdir(join(e2eRoot(), 'snapshots', 'active')).catch(() => []);
  return names.filter((name) => name.startsWith(`${String(process.pid)}-`));
}

function mountsUnder(dir: string): string[] {
  const text = spawnSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' }).stdout;
  return text.split('\n').filter((line) => line.split(' ')[4]?.startsWith(dir) === true);
}

describe.skipIf(reason !== undefined)('cancellation and failure: containers stopped, mounts undone', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-cancel-'));
  }, 1_800_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('aborting the signal (Ctrl-C) stops the running container and releases every snapshot', { timeout: 120_000 }, async () => {
    const dockerfile = `FROM debian:bookworm-slim\nRUN echo started ${String(Date.now())} && sleep 60\n`;
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    const controller = new AbortController();
    const recording = createRecordingSink();
    const sink = (event: Parameters<typeof recording.sink>[0]): void => {
      recording.sink(event);
      if (event.type === 'step-log' && String(event.data).includes('started')) controller.abort();
    };
    const started = Date.now();
    const error = await build(
      { dockerfile, dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir, noCache: true },
      { store: await e2eStore(), events: sink, signal: controller.signal },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(isBuildError(error) && error.code).toBe('BUILD_CANCELED');
    expect([...stepOutcomes(recording).values()]).toContain('canceled');
    expect(recording.ofType('build-finished')[0]?.error).toBe('the build was canceled');
    expect(runcContainers()).toEqual([]);
    expect(await ownSnapshots()).toEqual([]);
    expect(mountsUnder(join(e2eRoot(), 'snapshots', 'active'))).toEqual([]);
  });

  it('the first failure cancels the other stages at once', { timeout: 120_000 }, async () => {
    const stamp = String(Date.now());
    const dockerfile = [
      'FROM debian:bookworm-slim AS slow',
      `RUN echo slow ${stamp} && sleep 60`,
      'FROM debian:bookworm-slim AS broken',
      `RUN echo broken ${stamp} && sleep 1 && exit 7`,
      'FROM debian:bookworm-slim',
      'COPY --from=slow /etc/hostname /a',
      'COPY --from=broken /etc/hostname /b',
      '',
    ].join('\n');
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    const recording = createRecordingSink();
    const started = Date.now();
    const error = await build(
      { dockerfile, dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir },
      { store: await e2eStore(), events: recording.sink },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(isBuildError(error) && error.code).toBe('RUN_FAILED');
    expect(isBuildError(error) && error.locations[0]?.start.line).toBe(4);
    const outcomes = stepOutcomes(recording);
    expect(outcomes.get(`[broken 2/2] RUN echo broken ${stamp} && sleep 1 && exit 7`)).toBe('failed');
    expect(outcomes.get(`[slow 2/2] RUN echo slow ${stamp} && sleep 60`)).toBe('canceled');
    expect(runcContainers()).toEqual([]);
    expect(await ownSnapshots()).toEqual([]);
  });

  it('the same work in two stages runs once', { timeout: 120_000 }, async () => {
    const stamp = String(Date.now());
    const dockerfile = [
      'FROM debian:bookworm-slim AS one',
      `RUN echo shared ${stamp} > /shared`,
      'FROM debian:bookworm-slim AS two',
      `RUN echo shared ${stamp} > /shared`,
      'FROM debian:bookworm-slim',
      'COPY --from=one /shared /one',
      'COPY --from=two /shared /two',
      '',
    ].join('\n');
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    const recording = createRecordingSink();
    const { result } = {
      result: await build({ dockerfile, dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir }, { store: await e2eStore(), events: recording.sink }),
    };
    const runs = recording.ofType('step-started').filter((e) => e.label.includes(`RUN echo shared ${stamp}`));
    expect(runs).toHaveLength(1);
    expect(result.stepsRun).toBeGreaterThanOrEqual(1);
    expect(result.copies.map((c) => c.from)).toEqual(['one', 'two']);
  });
});
