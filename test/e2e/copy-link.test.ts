import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../../src/errors/index.js';
import { buildIn, stepOutcomes, withImageFiles } from './support/build-driver.js';
import type { DriverRun } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end COPY --link tests skipped: ${reason}`);

/** Every entry under `dir`: path, type, mode, owner and content (files) or target (links). */
async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(join(dir, prefix))).sort()) {
    const path = join(prefix, name);
    const stats = await lstat(join(dir, path));
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isDirectory()) out.push(`${path}/ ${mode} ${String(stats.uid)}:${String(stats.gid)}`, ...(await tree(dir, path)));
    else if (stats.isSymbolicLink()) out.push(`${path} -> ${await readlink(join(dir, path))}`);
    else out.push(`${path} ${mode} ${String(stats.uid)}:${String(stats.gid)} ${await readFile(join(dir, path), 'utf8')}`);
  }
  return out;
}

function outcomeOf(run: DriverRun, text: string): string | undefined {
  return [...stepOutcomes(run.recording)].find(([label]) => label.includes(text))?.[1];
}

describe.skipIf(reason !== undefined)('COPY --link end to end', () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
  }, 1_800_000);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function context(dockerfile: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-link-'));
    dirs.push(dir);
    const tag = `${String(Date.now())}-${String(Math.random())}`;
    await mkdir(join(dir, 'app', 'lib'), { recursive: true });
    await writeFile(join(dir, 'app', 'index.js'), `console.log('${tag}');\n`);
    await writeFile(join(dir, 'app', 'lib', 'util.js'), 'module.exports = 1;\n');
    await writeFile(join(dir, 'app', 'run.sh'), '#!/bin/sh\necho run\n');
    await chmod(join(dir, 'app', 'run.sh'), 0o755);
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    return dir;
  }

  it('a --link layer is reused (CACHED, same diffID) when an earlier step changes; a plain COPY re-runs; both give the same files', { timeout: 300_000 }, async () => {
    const run = String(Date.now());
    const dockerfile = (word: string): string =>
      ['FROM debian:bookworm-slim', `RUN echo ${word} > /x # ${run}`, 'COPY --link app /app/', 'COPY app /plain/', ''].join('\n');
    const dir = await context(dockerfile('a'));
    const first = await buildIn(dir);
    expect(outcomeOf(first, 'COPY --link app /app/')).toBe('done');
    expect(outcomeOf(first, 'COPY app /plain/')).toBe('done');

    await writeFile(join(dir, 'Dockerfile'), dockerfile('b'));
    const second = await buildIn(dir);
    expect(outcomeOf(second, 'RUN echo b > /x')).toBe('done');
    expect(outcomeOf(second, 'COPY --link app /app/')).toBe('cached');
    expect(outcomeOf(second, 'COPY app /plain/')).toBe('done');

    const [before, after] = [(await first.result.image.config()).rootfs.diff_ids, (await second.result.image.config()).rootfs.diff_ids];
    // layers: base..., RUN, COPY --link, COPY
    expect(after.length).toBe(before.length);
    expect(after.at(-3)).not.toBe(before.at(-3));
    expect(after.at(-2)).toBe(before.at(-2));

    const files = await withImageFiles(second.result, async (rootfs) => ({
      x: await readFile(join(rootfs, 'x'), 'utf8'),
      linked: await tree(join(rootfs, 'app')),
      plain: await tree(join(rootfs, 'plain')),
    }));
    expect(files.x).toBe('b\n');
    expect(files.linked).toEqual(files.plain);
    expect(files.linked.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['index.js 644', 'lib/ 755', 'lib/util.js 644', 'run.sh 755']);
    // history is the plain COPY's
    const history = (await second.result.image.config()).history ?? [];
    expect(history.at(-2)?.created_by).toBe('COPY app /app/ # buildkit');
  });

  it('the layer is made on an empty tree: the same copy on another base is the same layer, and symlinks of the base are not followed', { timeout: 300_000 }, async () => {
    const dir = await context(['FROM debian:bookworm-slim', 'RUN mkdir /srv/target && ln -s /srv/target /link', 'COPY --link app /link/', 'COPY app /plain-link/', ''].join('\n'));
    await writeFile(join(dir, 'scratch.Dockerfile'), 'FROM scratch\nCOPY --link app /link/\n');
    const onDebian = await buildIn(dir);
    const onScratch = await buildIn(dir, { file: 'scratch.Dockerfile' });
    expect(outcomeOf(onScratch, 'COPY --link app /link/')).toBe('cached');
    expect((await onScratch.result.image.config()).rootfs.diff_ids).toEqual([(await onDebian.result.image.config()).rootfs.diff_ids.at(-2)]);

    const seen = await withImageFiles(onDebian.result, async (rootfs) => ({
      link: (await lstat(join(rootfs, 'link'))).isDirectory(),
      linked: await readdir(join(rootfs, 'link')),
      target: await readdir(join(rootfs, 'srv', 'target')),
    }));
    // BuildKit's documented difference: /link becomes a directory of its own; /srv/target stays empty
    expect(seen).toEqual({ link: true, linked: ['index.js', 'lib', 'run.sh'], target: [] });
  });

  it('--link with --chown by name is a clear error before anything runs; numeric ids work', { timeout: 180_000 }, async () => {
    const dir = await context('FROM debian:bookworm-slim\nCOPY --link --chown=www-data app /app/\n');
    const error = await buildIn(dir).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isBuildError(error) && error.code).toBe('INVALID_COPY_OPTION');
    expect(isBuildError(error) && error.locations[0]?.start.line).toBe(2);
    expect(isBuildError(error) && error.hint).toContain('numeric ids');

    await writeFile(join(dir, 'Dockerfile'), 'FROM debian:bookworm-slim\nCOPY --link --chown=33:33 app /srv/app/\n');
    const { result } = await buildIn(dir);
    const owners = await withImageFiles(result, async (rootfs) => {
      const srv = await lstat(join(rootfs, 'srv'));
      return [`srv/ ${(srv.mode & 0o7777).toString(8)} ${String(srv.uid)}:${String(srv.gid)}`, ...(await tree(join(rootfs, 'srv'))).map((line) => line.split(' ').slice(0, 3).join(' '))];
    });
    // parents made afresh by the linked copy (even /srv, which the base has as root's) belong to the
    // --chown owner, as BuildKit's copy on scratch makes them and its merge puts them on top
    expect(owners).toEqual(['srv/ 755 33:33', 'app/ 755 33:33', 'app/index.js 644 33:33', 'app/lib/ 755 33:33', 'app/lib/util.js 644 33:33', 'app/run.sh 755 33:33']);
  });
});
