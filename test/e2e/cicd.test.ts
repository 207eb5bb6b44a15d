import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../../src/errors/index.js';
import { buildIn, copyContext, stepOutcomes, withImageFiles } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end deps/test/build/prod test skipped: ${reason}`);

describe.skipIf(reason !== undefined)('the four-stage deps/test/build/prod flow (seed 001 cicd)', () => {
  let context: string;
  beforeAll(async () => {
    await ensureBaseImages(['node:18', 'nginx:bookworm']);
    context = await copyContext(join(import.meta.dirname, 'fixtures', 'cicd'));
  }, 1_800_000);
  afterAll(async () => {
    await rm(context, { recursive: true, force: true });
  });

  it('a failing npm test fails the build at its line; the stages it does not need never run', { timeout: 600_000 }, async () => {
    const error = await buildIn(context, { target: 'test', noCache: true }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isBuildError(error) && error.code).toBe('RUN_FAILED');
    if (!isBuildError(error)) return;
    expect(error.locations[0]?.start.line).toBe(11);
    expect(error.details['lastLogLines']).toEqual(expect.arrayContaining([expect.stringContaining('test failed: expected 2 + 2 to be 5')]));
  });

  it('the default target (prod) skips the test stage and serves what the build stage made', { timeout: 600_000 }, async () => {
    const { result, recording } = await buildIn(context);
    expect(result.stages.map((s) => s.id)).toEqual(['deps', 'build', 'prod']);
    expect([...stepOutcomes(recording).keys()].some((label) => label.includes('npm test'))).toBe(false);
    const config = await result.image.config();
    expect(config.config?.Cmd).toEqual(['nginx', '-g', 'daemon off;']);
    expect(config.config?.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(config.config?.StopSignal).toBe('SIGQUIT');
    await withImageFiles(result, async (rootfs) => {
      expect(await readFile(join(rootfs, 'usr/share/nginx/html/index.html'), 'utf8')).toBe('<h1>built by npm run build</h1>\n');
    });
  });
});
