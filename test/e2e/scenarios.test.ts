import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../../src/errors/index.js';
import { createRecordingSink } from '../../src/events/index.js';
import type { BuildEvent } from '../../src/events/index.js';
import { build, writeOutputs } from '../../src/solve/index.js';
import { buildIn, copyContext, e2eStore, ranSteps, REPO, stepOutcomes } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end build tests (scenarios) skipped: ${reason}`);
const SCENARIOS = join(REPO, 'test', 'corpus', 'scenarios');

async function contextWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe.skipIf(reason !== undefined)('build scenarios (runc, overlayfs, bootstrapped debian)', () => {
  const dirs: string[] = [];
  const track = (dir: string): string => {
    dirs.push(dir);
    return dir;
  };
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
  }, 1_800_000);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('a failing RUN fails the build with RUN_FAILED at its line, with its exit code and last output', { timeout: 300_000 }, async () => {
    const dir = track(await contextWith({ Dockerfile: 'FROM debian:bookworm-slim\nENV A=1\n\nRUN echo about to fail && exit 3\nRUN echo never\n' }));
    const error = await buildIn(dir, { noCache: true }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isBuildError(error)).toBe(true);
    if (!isBuildError(error)) return;
    expect(error.code).toBe('RUN_FAILED');
    expect(error.locations[0]?.start.line).toBe(4);
    expect(error.file).toBe(join(dir, 'Dockerfile'));
    expect(error.details['exitCode']).toBe(3);
    expect(error.details['lastLogLines']).toEqual(expect.arrayContaining([expect.stringContaining('about to fail')]));
    expect(error.message).toBe('process "/bin/sh -c echo about to fail && exit 3" did not complete successfully: exit code: 3');
  });

  it('a COPY of a missing file fails at its line, the step shown as failed', { timeout: 120_000 }, async () => {
    const dir = track(await contextWith({ Dockerfile: 'FROM debian:bookworm-slim\nWORKDIR /x\nCOPY missing.txt ./\n' }));
    const recording = createRecordingSink();
    const error = await build(
      { dockerfile: 'FROM debian:bookworm-slim\nWORKDIR /x\nCOPY missing.txt ./\n', dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir },
      { store: await e2eStore(), events: recording.sink },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isBuildError(error) && error.code).toBe('COPY_SOURCE_NOT_FOUND');
    expect(isBuildError(error) && error.locations[0]?.start.line).toBe(3);
    expect(stepOutcomes(recording).get('[3/3] COPY missing.txt ./')).toBe('failed');
  });

  it('--target builds only the stages it needs: the broken stage never runs', { timeout: 300_000 }, async () => {
    const { result, recording } = await buildIn(join(SCENARIOS, 'unused'), { target: 'release', noCache: true });
    const labels = recording.ofType('step-started').map((e) => e.label);
    expect(labels.some((l) => l.includes('exit 1'))).toBe(false);
    expect(ranSteps(recording).filter((l) => !l.includes(' FROM '))).toEqual(['[release 2/2] RUN echo ok > /ok']);
    expect(result.stages.map((s) => s.id)).toEqual(['release']);
    // and the whole file (target = the last stage) needs only that stage too
    const last = await buildIn(join(SCENARIOS, 'unused'));
    expect([...stepOutcomes(last.recording).keys()].some((l) => l.includes('broken'))).toBe(false);
  });

  it('the three independent stages of the parallel scenario run at the same time', { timeout: 300_000 }, async () => {
    const { recording, result } = await buildIn(join(SCENARIOS, 'parallel'), { noCache: true });
    const spans = new Map<string, { start: number; end: number }>();
    const starts = new Map<string, BuildEvent>();
    for (const event of recording.events) {
      if (event.type === 'step-started' && /RUN sleep 2/.test(event.label)) starts.set(event.id, event);
      const started = starts.get(event.id);
      if (started?.type === 'step-started' && event.type === 'step-done') spans.set(started.label, { start: started.time, end: event.time });
    }
    expect(spans.size).toBe(3);
    const latestStart = Math.max(...[...spans.values()].map((s) => s.start));
    const earliestEnd = Math.min(...[...spans.values()].map((s) => s.end));
    expect(latestStart).toBeLessThan(earliestEnd);
    expect(result.copies.map((c) => c.from)).toEqual(['a', 'b', 'c']);
  });

  it('SOURCE_DATE_EPOCH: two uncached builds of the same input give the same image digest', { timeout: 300_000 }, async () => {
    const dir = track(
      await contextWith({
        Dockerfile: 'FROM debian:bookworm-slim\nWORKDIR /srv\nRUN echo generated > gen.txt && mkdir -p d/e && touch d/e/f\nCOPY input.txt ./\nLABEL x=y\nCMD ["cat", "gen.txt"]\n',
        'input.txt': 'hello\n',
      }),
    );
    const epoch = 1_700_000_000;
    const one = await buildIn(dir, { sourceDateEpoch: epoch, noCache: true });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // let the clock move past a second
    const two = await buildIn(dir, { sourceDateEpoch: epoch, noCache: true });
    expect(two.result.stepsRun).toBe(3);
    expect(two.result.digest).toBe(one.result.digest);
    const config = await two.result.image.config();
    expect(config.created).toBe('2023-11-14T22:13:20Z');
    expect(config.history?.at(-1)?.created).toBe('2023-11-14T22:13:20Z');
    // without it the times differ, so the images do
    const three = await buildIn(dir, { noCache: true });
    expect(three.result.digest).not.toBe(one.result.digest);
  });

  it('FROM scratch: a file system with only what was copied, BuildKit scratch config', { timeout: 300_000 }, async () => {
    const dir = track(await contextWith({ Dockerfile: 'FROM scratch\nCOPY hello.txt /\nCMD ["/hello.txt"]\n', 'hello.txt': 'hi\n' }));
    const { result } = await buildIn(dir, { noCache: true });
    const config = await result.image.config();
    expect(config.rootfs.diff_ids).toHaveLength(1);
    expect(config.config?.Env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
    expect(config.config?.WorkingDir).toBe('/');
    const out = track(await mkdtemp(join(tmpdir(), 'stagecraft-e2e-scratch-')));
    await writeOutputs(result, [{ type: 'local', dest: out }], { store: await e2eStore(), tags: [] });
    expect(await readFile(join(out, 'hello.txt'), 'utf8')).toBe('hi\n');
  });

  it('--output type=oci (uncompressed) writes an archive skopeo accepts, and type=docker one with the tag', { timeout: 300_000 }, async () => {
    const dir = track(await copyContext(join(SCENARIOS, 'unused')));
    const { result } = await buildIn(dir, { target: 'release' });
    const oci = join(dir, 'image.tar');
    const docker = join(dir, 'docker.tar');
    await writeOutputs(
      result,
      [
        { type: 'oci', dest: oci, names: ['stagecraft-e2e/release:1'], tar: true, compression: 'none' },
        { type: 'docker', dest: docker, names: ['stagecraft-e2e/release:1'] },
      ],
      { store: await e2eStore(), tags: [] },
    );
    const skopeo = spawnSync('skopeo', ['inspect', `oci-archive:${oci}`], { encoding: 'utf8' });
    if (skopeo.error !== undefined) {
      console.warn('skopeo is not installed: the OCI archive was not checked by it');
      return;
    }
    expect(skopeo.stderr).toBe('');
    const inspected = JSON.parse(skopeo.stdout) as { Digest: string; Layers: string[]; LayersData?: { MIMEType: string }[] };
    // compression=uncompressed: the layers are the plain tars, as stored
    expect(inspected.Layers).toEqual(await Promise.all((await result.image.layers()).map((l) => l.diffId())));
    expect(inspected.Layers).toHaveLength((await result.image.layers()).length);
    expect(inspected.Layers.every((digest) => digest.startsWith('sha256:'))).toBe(true);
    const dockerArchive = spawnSync('skopeo', ['inspect', `docker-archive:${docker}`], { encoding: 'utf8' });
    expect(dockerArchive.status).toBe(0);
  });
});
