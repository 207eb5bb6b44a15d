import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIn, copyContext, ranSteps, REPO, stepOutcomes, withImageFiles } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end build tests (seed003) skipped: ${reason}`);

describe.skipIf(reason !== undefined)('seed003: the express app, single-stage and multi-stage (runc, overlayfs, npm from the registry)', () => {
  let context: string;

  beforeAll(async () => {
    await ensureBaseImages(['node:18', 'node:18-slim']);
    context = await copyContext(join(REPO, 'examples', 'seed003'));
  }, 1_800_000);
  afterAll(async () => {
    await rm(context, { recursive: true, force: true });
  });

  it('builds both; the multi-stage image is smaller and holds node_modules/express and app.js', { timeout: 900_000 }, async () => {
    const single = await buildIn(context, { file: 'Dockerfile.single-stage', tags: ['seed003:single'], noCache: true });
    const multi = await buildIn(context, { tags: ['seed003:multi'], noCache: true });

    expect(ranSteps(single.recording)).toContain('[4/5] RUN npm install');
    expect(multi.result.stages.map((s) => s.id)).toEqual(['builder', 'stage-1']);
    expect(multi.result.size).toBeLessThan(single.result.size);
    expect(multi.result.copies.map((c) => c.paths)).toEqual([['/app/node_modules'], ['/app/app.js']]);
    expect(multi.result.copies[0]?.bytes).toBeGreaterThan(100_000);

    const config = await multi.result.image.config();
    expect(config.config?.Cmd).toEqual(['node', 'app.js']);
    expect(config.config?.WorkingDir).toBe('/app');
    expect(config.config?.ExposedPorts).toEqual({ '3000/tcp': {} });
    const added = (config.history ?? []).filter((h) => h.comment === 'buildkit.dockerfile.v0').map((h) => h.created_by);
    expect(added).toEqual([
      'WORKDIR /app',
      'COPY /app/node_modules ./node_modules # buildkit',
      'COPY /app/app.js ./ # buildkit',
      'EXPOSE map[3000/tcp:{}]',
      'CMD ["node" "app.js"]',
    ]);

    await withImageFiles(multi.result, async (rootfs) => {
      expect((await stat(join(rootfs, 'app', 'node_modules', 'express', 'package.json'))).isFile()).toBe(true);
      expect(await readFile(join(rootfs, 'app', 'app.js'), 'utf8')).toBe(await readFile(join(context, 'app.js'), 'utf8'));
      // the runtime image has node but not npm (node:18-slim), the builder had both
      await expect(stat(join(rootfs, 'usr', 'bin', 'node'))).resolves.toBeDefined();
      await expect(stat(join(rootfs, 'usr', 'bin', 'npm'))).rejects.toThrow();
    });
  });

  it('a rebuild with no change is all CACHED and gives the same image', { timeout: 300_000 }, async () => {
    const first = await buildIn(context, { tags: ['seed003:multi'] });
    const again = await buildIn(context, { tags: ['seed003:multi'] });
    const outcomes = stepOutcomes(again.recording);
    expect(outcomes.size).toBe(9);
    expect([...outcomes.values()].every((o) => o === 'cached')).toBe(true);
    expect(again.result.stepsRun).toBe(0);
    expect(again.result.digest).toBe(first.result.digest);
  });

  it('after app.js changes only the steps after its COPY run; a file no COPY reads changes nothing', { timeout: 300_000 }, async () => {
    await buildIn(context, { tags: ['seed003:multi'] });
    await writeFile(join(context, 'app.js'), `${await readFile(join(context, 'app.js'), 'utf8')}\n// changed ${String(Date.now())}\n`);
    const changed = await buildIn(context, { tags: ['seed003:multi'] });
    expect(ranSteps(changed.recording).sort()).toEqual(['[builder 5/5] COPY . .', '[stage-1 4/4] COPY --from=builder /app/app.js ./']);

    // the single-stage file does what the builder stage did, step for step: all of it is cached
    const single = await buildIn(context, { file: 'Dockerfile.single-stage' });
    expect([...stepOutcomes(single.recording).values()]).toEqual(['cached', 'cached', 'cached', 'cached', 'cached']);

    // package*.json is all the first COPY reads: a new file elsewhere leaves npm install cached
    await writeFile(join(context, 'notes.txt'), `not read by COPY package*.json (${String(Date.now())})\n`);
    // and a file .dockerignore leaves out (*.md) is read by no COPY at all
    await writeFile(join(context, 'README.md'), `ignored (${String(Date.now())})\n`);
    const unrelated = await buildIn(context, { file: 'Dockerfile.single-stage' });
    expect(ranSteps(unrelated.recording)).toEqual(['[5/5] COPY . .']);
    await writeFile(join(context, 'README.md'), `ignored, changed (${String(Date.now())})\n`);
    const ignored = await buildIn(context, { file: 'Dockerfile.single-stage' });
    expect(ranSteps(ignored.recording)).toEqual([]);
  });
});
