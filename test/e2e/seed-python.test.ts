import { lstat, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIn, copyContext, ranSteps, stepOutcomes, withImageFiles } from './support/build-driver.js';
import type { DriverRun } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';
import { runImage } from './support/run-image.js';

/**
 * The Python examples of seeds 001 (pip wheel in a builder, pip install --no-index from /wheels in
 * python:3.11-slim) and 004 (pip install in a builder, its dist-packages copied into the slim image),
 * from test/e2e/fixtures/seed-python: the seeds' Dockerfiles with the deviations their comments list,
 * and two local packages standing in for PyPI: fastsum, a C extension (the builder's gcc and
 * Python headers compile it), and greeting, pure Python, which depends on it.
 */
const DIST_PACKAGES = 'usr/local/lib/python3.11/dist-packages';
/** What the builder (python:3.11) has for compiling extensions and python:3.11-slim does not. */
const TOOLCHAIN = ['usr/bin/gcc', 'usr/include/python3.11/Python.h'];
const SUM_OF_SQUARES_BELOW_10 = 285;

const greeting = (name: string): string => `Hello, ${name}! The squares below 10 add up to ${String(SUM_OF_SQUARES_BELOW_10)}.`;

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** The names directly under `dir` of the final file system of `run`. */
function listImageDir(run: DriverRun, dir: string): Promise<string[]> {
  return withImageFiles(run.result, async (rootfs) => (await readdir(join(rootfs, dir))).sort());
}

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end build tests (seed 001/004 Python) skipped: ${reason}`);

describe.skipIf(reason !== undefined)('seeds 001 and 004, Python: local packages built on python:3.11, run on python:3.11-slim', () => {
  let context: string;

  beforeAll(async () => {
    await ensureBaseImages(['python:3.11', 'python:3.11-slim']);
    context = await copyContext(join(import.meta.dirname, 'fixtures', 'seed-python'));
  }, 1_800_000);
  afterAll(async () => {
    await rm(context, { recursive: true, force: true });
  });

  it('seed 001: the builder makes both wheels; the slim image installs them, has no compiler and is smaller', { timeout: 900_000 }, async () => {
    const builder = await buildIn(context, { target: 'builder', noCache: true });
    const final = await buildIn(context, { tags: ['seed-python:wheels'], noCache: true });

    expect(ranSteps(builder.recording)).toContain('[builder 5/5] RUN pip wheel --no-index --no-build-isolation --wheel-dir /wheels -r requirements.txt');
    expect(final.result.stages.map((s) => s.id)).toEqual(['builder', 'stage-1']);
    expect(final.result.copies.map((c) => c.paths)).toEqual([['/wheels']]);
    // python:3.11-slim + the installed wheels: about 45% of the builder (gcc, headers, venv) here
    expect(final.result.size).toBeLessThan(builder.result.size * 0.6);

    const wheels = await listImageDir(builder, 'wheels');
    expect(wheels).toHaveLength(2);
    expect(wheels[0]).toMatch(/^fastsum-1\.0\.0-cp311-cp311-linux_[a-z0-9_]+\.whl$/);
    expect(wheels[1]).toBe('greeting-1.0.0-py3-none-any.whl');
    expect(await listImageDir(final, 'wheels')).toEqual(wheels);

    const config = await final.result.image.config();
    expect(config.config?.Cmd).toEqual(['python', 'app.py']);
    expect(config.config?.WorkingDir).toBe('/app');

    await withImageFiles(builder.result, async (rootfs) => {
      for (const path of TOOLCHAIN) expect(await exists(join(rootfs, path)), path).toBe(true);
    });
    await withImageFiles(final.result, async (rootfs) => {
      for (const path of TOOLCHAIN) expect(await exists(join(rootfs, path)), path).toBe(false);
      const installed = await readdir(join(rootfs, DIST_PACKAGES));
      expect(installed.filter((name) => /^fastsum\..*\.so$/.test(name))).toHaveLength(1);
      expect(installed).toEqual(expect.arrayContaining(['greeting', 'fastsum-1.0.0.dist-info', 'greeting-1.0.0.dist-info']));
      expect(await readFile(join(rootfs, DIST_PACKAGES, 'greeting', '__init__.py'), 'utf8')).toBe(
        await readFile(join(context, 'packages', 'greeting', 'src', 'greeting', '__init__.py'), 'utf8'),
      );
      expect(await readFile(join(rootfs, 'app', 'app.py'), 'utf8')).toBe(await readFile(join(context, 'app.py'), 'utf8'));
    });
  });

  it('seed 001: the app runs on the slim image with the gcc-built extension', { timeout: 300_000 }, async () => {
    await buildIn(context, { tags: ['seed-python:wheels'] });
    const app = await runImage('seed-python:wheels');
    expect(app.stderr).toBe('');
    expect(app.status).toBe(0);
    const [hello, built, ...rest] = app.stdout.split('\n');
    expect(hello).toBe(greeting('seed 001'));
    expect(built).toMatch(/^fastsum fastsum\.cpython-311-[a-z0-9_-]+\.so compiled by gcc \d+\.\d+\.\d+/);
    expect(rest).toEqual(['']);
    const direct = await runImage('seed-python:wheels', ['python', '-c', 'import fastsum, greeting; print(fastsum.sum_squares(1000), greeting.greet("you"))']);
    expect(direct.stdout).toBe(`332833500 ${greeting('you')}\n`);
    // the runtime image cannot compile: no gcc
    expect((await runImage('seed-python:wheels', ['gcc', '--version'])).status).toBe(127);
  });

  it('seed 004: the builder dist-packages copied into the slim image are enough to run', { timeout: 900_000 }, async () => {
    const builder = await buildIn(context, { file: 'Dockerfile.seed004', target: 'builder', noCache: true });
    const final = await buildIn(context, { file: 'Dockerfile.seed004', tags: ['seed-python:site-packages'], noCache: true });
    expect(ranSteps(builder.recording)).toContain('[builder 5/5] RUN pip install --no-index --no-build-isolation --break-system-packages -r req.txt');
    expect(final.result.copies.map((c) => c.paths)).toEqual([[`/${DIST_PACKAGES}/`]]);
    expect(final.result.size).toBeLessThan(builder.result.size);
    expect((await final.result.image.config()).config?.Entrypoint).toEqual(['python', 'run.py']);

    const copied = await listImageDir(final, DIST_PACKAGES);
    expect(copied).toEqual(await listImageDir(builder, DIST_PACKAGES));
    expect(copied.filter((name) => /^fastsum\..*\.so$/.test(name))).toHaveLength(1);
    await withImageFiles(final.result, async (rootfs) => {
      for (const path of TOOLCHAIN) expect(await exists(join(rootfs, path)), path).toBe(false);
    });

    const app = await runImage('seed-python:site-packages');
    expect(app.stderr).toBe('');
    expect(app.stdout).toBe(`${greeting('seed 004')}\n`);
    // arguments go after the ENTRYPOINT
    expect((await runImage('seed-python:site-packages', ['stage', 'craft'])).stdout).toBe(`${greeting('stage craft')}\n`);
  });

  it('seed 001: a change to app.py re-runs only the last COPY; a change to a package re-runs wheel, install and what follows', { timeout: 900_000 }, async () => {
    const first = await buildIn(context, { tags: ['seed-python:wheels'] });
    const again = await buildIn(context, { tags: ['seed-python:wheels'] });
    expect([...stepOutcomes(again.recording).values()].every((o) => o === 'cached')).toBe(true);
    expect(again.result.digest).toBe(first.result.digest);

    await writeFile(join(context, 'app.py'), `${await readFile(join(context, 'app.py'), 'utf8')}print("app.py changed")\n`);
    const appChanged = await buildIn(context, { tags: ['seed-python:wheels'] });
    expect(ranSteps(appChanged.recording)).toEqual(['[stage-1 5/5] COPY . .']);
    expect((await runImage('seed-python:wheels')).stdout.split('\n').slice(-2)).toEqual(['app.py changed', '']);

    const module = join(context, 'packages', 'greeting', 'src', 'greeting', '__init__.py');
    const source = await readFile(module, 'utf8');
    const changed = source.replace('return f"Hello, {name}!', 'return f"Hi again, {name}!');
    expect(changed).not.toBe(source);
    await writeFile(module, changed);
    const packageChanged = await buildIn(context, { tags: ['seed-python:wheels'] });
    expect(ranSteps(packageChanged.recording).sort()).toEqual([
      '[builder 4/5] COPY packages/ packages/',
      '[builder 5/5] RUN pip wheel --no-index --no-build-isolation --wheel-dir /wheels -r requirements.txt',
      '[stage-1 3/5] COPY --from=builder /wheels /wheels',
      '[stage-1 4/5] RUN pip install --no-index --break-system-packages --find-links=/wheels /wheels/*',
      '[stage-1 5/5] COPY . .',
    ]);
    const outcomes = stepOutcomes(packageChanged.recording);
    expect(outcomes.get('[builder 3/5] COPY requirements.txt .')).toBe('cached');
    expect(outcomes.get('[stage-1 2/5] WORKDIR /app')).toBe('cached');
    expect((await runImage('seed-python:wheels')).stdout.split('\n')[0]).toBe(greeting('seed 001').replace('Hello,', 'Hi again,'));
  });
});
