import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../../src/errors/index.js';
import { createRecordingSink } from '../../src/events/index.js';
import type { RecordingSink } from '../../src/events/index.js';
import { build } from '../../src/solve/index.js';
import { e2eStore, stepOutcomes, withImageFiles } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';
import { startTextServer } from './support/text-server.js';
import type { TextServer } from './support/text-server.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end tests of inputs found ahead skipped: ${reason}`);

/** Builds `dockerfile` in a fresh context holding `files`; resolves with the events and the error, if any. */
async function attempt(dockerfile: string, files: Record<string, string> = {}): Promise<{ recording: RecordingSink; error: unknown; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-ahead-'));
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const recording = createRecordingSink();
  let error: unknown;
  try {
    await build({ dockerfile, dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir, noCache: true }, { store: await e2eStore(), events: recording.sink });
  } catch (err) {
    error = err;
  }
  return { recording, error, dir };
}

async function mountsUnder(root: string): Promise<string[]> {
  return (await readFile('/proc/mounts', 'utf8')).split('\n').filter((line) => line.split(' ')[1]?.startsWith(root) === true);
}

/*
 * A stage finds the inputs of its next COPY (context files hashed, another stage's files hashed,
 * a URL fetched) while the step before it runs. What a user sees must not change: the step that
 * fails first is the one reported, and nothing found ahead is left behind.
 */
describe.skipIf(reason !== undefined)('the next step’s inputs, found while a step runs', () => {
  const dirs: string[] = [];
  let server: TextServer;
  const requests: { url: string; runDoneSeen: boolean }[] = [];
  let recordingNow: RecordingSink | undefined;
  let base = '';
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
    server = await startTextServer((request) => {
      const runDone = recordingNow?.events.some((e) => e.type === 'step-done' && e.id.startsWith('step:')) ?? false;
      requests.push({ url: request.url ?? '', runDoneSeen: runDone });
      return 'fetched\n';
    });
    base = server.base;
  }, 1_800_000);
  afterAll(async () => {
    await server.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('an ADD URL after a RUN is fetched while the RUN runs, and the image has it', { timeout: 120_000 }, async () => {
    const dockerfile = `FROM debian:bookworm-slim\nRUN sleep 2 && echo ran > /ran\nADD ${base}/during-run.txt /fetched.txt\n`;
    const dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-ahead-'));
    dirs.push(dir);
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    const recording = createRecordingSink();
    recordingNow = recording;
    const result = await build({ dockerfile, dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir, noCache: true }, { store: await e2eStore(), events: recording.sink });
    recordingNow = undefined;
    const request = requests.find((r) => r.url === '/during-run.txt');
    expect(request).toBeDefined();
    // the RUN (the first layer step) had not finished when the URL was asked for
    expect(request?.runDoneSeen).toBe(false);
    expect([...stepOutcomes(recording).values()]).toEqual(['done', 'done', 'done']);
    expect(result.stepsRun).toBe(2);
    expect(await withImageFiles(result, (rootfs) => readFile(join(rootfs, 'fetched.txt'), 'utf8'))).toBe('fetched\n');
  });

  it('a RUN that fails is the error reported, not a missing COPY source after it', { timeout: 120_000 }, async () => {
    const store = await e2eStore();
    const { recording, error, dir } = await attempt('FROM debian:bookworm-slim AS gen\nRUN mkdir /data && echo x > /data/x\nFROM debian:bookworm-slim\nRUN exit 3\nCOPY missing.txt /\nCOPY --from=gen /data /data\n');
    dirs.push(dir);
    expect(isBuildError(error) && error.code).toBe('RUN_FAILED');
    expect(isBuildError(error) && error.locations[0]?.start.line).toBe(4);
    const outcomes = stepOutcomes(recording);
    expect(outcomes.get('[stage-1 2/4] RUN exit 3')).toBe('failed');
    expect([...outcomes.keys()].some((label) => label.includes('COPY missing.txt'))).toBe(false);
    // the view of gen found ahead for the last COPY is not left mounted
    expect(await mountsUnder(store.root)).toEqual([]);
  });

  it('a missing COPY source is reported at its line once the step before it is done', { timeout: 120_000 }, async () => {
    const { recording, error, dir } = await attempt('FROM debian:bookworm-slim\nRUN sleep 1 && echo ok > /ok\nCOPY present.txt /\nCOPY missing.txt /\n', { 'present.txt': 'here\n' });
    dirs.push(dir);
    expect(isBuildError(error) && error.locations[0]?.start.line).toBe(4);
    expect((error as Error).message).toMatch(/missing\.txt/);
    const outcomes = stepOutcomes(recording);
    expect(outcomes.get('[2/4] RUN sleep 1 && echo ok > /ok')).toBe('done');
    expect(outcomes.get('[3/4] COPY present.txt /')).toBe('done');
    expect(outcomes.get('[4/4] COPY missing.txt /')).toBe('failed');
  });
});
