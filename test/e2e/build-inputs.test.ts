import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIn, stepOutcomes, withImageFiles } from './support/build-driver.js';
import type { DriverRun } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end build-input tests skipped: ${reason}`);

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

/** A file of a build's result, or 'absent'. */
function readResult(run: DriverRun, path: string): Promise<string> {
  return withImageFiles(run.result, (rootfs) => readFile(join(rootfs, path), 'utf8').catch(() => 'absent'));
}

/** How each labelled step ended, for the labels that contain `part`. */
function outcomesOf(run: DriverRun, part: string): string[] {
  return [...stepOutcomes(run.recording)].filter(([label]) => label.includes(part)).map(([, outcome]) => outcome);
}

describe.skipIf(reason !== undefined)('build inputs end to end: named contexts', () => {
  const dirs: string[] = [];
  const temp = async (prefix: string): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), `stagecraft-e2e-${prefix}-`));
    dirs.push(dir);
    return dir;
  };
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
  }, 1_800_000);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('--build-context NAME=docker-image://REF replaces an image; NAME=DIR feeds COPY --from and RUN --mount=from, keyed by its content', { timeout: 300_000 }, async () => {
    const context = await temp('ctx');
    const assets = await temp('assets');
    await writeFiles(context, {
      Dockerfile: [
        // no image "alpine" is in the store: the named context stands in for it
        'FROM alpine',
        'COPY --from=assets / /all/',
        'COPY --from=assets /data.txt /copied.txt',
        'RUN --mount=type=bind,from=assets,target=/mnt cat /mnt/data.txt > /mounted.txt',
        '',
      ].join('\n'),
    });
    // the named context's own .dockerignore applies to it (not the main context's)
    await writeFiles(assets, { 'data.txt': 'v1\n', 'ignored.log': 'noise 1\n', '.dockerignore': '*.log\n' });
    const namedContexts = new Map([
      ['alpine', 'docker-image://debian:bookworm-slim'],
      ['assets', assets],
    ]);
    const first = await buildIn(context, { namedContexts });
    expect(await readResult(first, 'etc/debian_version')).toMatch(/^12\./);
    expect(await readResult(first, 'copied.txt')).toBe('v1\n');
    expect(await readResult(first, 'all/data.txt')).toBe('v1\n');
    expect(await readResult(first, 'all/ignored.log')).toBe('absent');
    expect(await readResult(first, 'mounted.txt')).toBe('v1\n');

    // nothing changed, or only an ignored file: every step comes from the cache
    await writeFile(join(assets, 'ignored.log'), 'noise 2\n');
    const again = await buildIn(context, { namedContexts });
    expect(outcomesOf(again, 'COPY').concat(outcomesOf(again, 'RUN'))).toEqual(['cached', 'cached', 'cached']);

    // a file the copies read changed: they run again, and the mount's step too
    await writeFile(join(assets, 'data.txt'), 'v2\n');
    const changed = await buildIn(context, { namedContexts });
    expect(outcomesOf(changed, 'COPY').concat(outcomesOf(changed, 'RUN'))).toEqual(['done', 'done', 'done']);
    expect(await readResult(changed, 'mounted.txt')).toBe('v2\n');
  });

  it('FROM NAME with NAME=DIR starts from the directory; a context named like a stage replaces the stage', { timeout: 300_000 }, async () => {
    const context = await temp('ctx');
    const rootfs = await temp('rootfs');
    const tools = await temp('tools');
    await writeFiles(context, {
      Dockerfile: [
        'FROM debian:bookworm-slim AS tools',
        'RUN exit 3',
        'FROM rootfs',
        'COPY --from=tools /tool.sh /usr/bin/tool.sh',
        'COPY local.txt /',
        '',
      ].join('\n'),
      'local.txt': 'main context\n',
    });
    await writeFiles(rootfs, { 'etc/os-release': 'ID=handmade\n', 'app/readme': 'base\n' });
    await writeFiles(tools, { 'tool.sh': '#!/bin/sh\necho tool\n' });
    const namedContexts = new Map([
      ['rootfs', rootfs],
      ['tools', tools],
    ]);
    const run = await buildIn(context, { namedContexts });
    // the tools stage's RUN (which fails) never ran: the directory is that stage
    expect(outcomesOf(run, 'RUN')).toEqual([]);
    expect(await readResult(run, 'etc/os-release')).toBe('ID=handmade\n');
    expect(await readResult(run, 'app/readme')).toBe('base\n');
    expect(await readResult(run, 'usr/bin/tool.sh')).toBe('#!/bin/sh\necho tool\n');
    expect(await readResult(run, 'local.txt')).toBe('main context\n');
    const config = await run.result.image.config();
    expect(config.rootfs.diff_ids).toHaveLength(3);
    expect(config.history?.map((h) => h.created_by)).toEqual(['local source for rootfs', 'COPY /tool.sh /usr/bin/tool.sh # buildkit', 'COPY local.txt / # buildkit']);
    expect(config.config?.Env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);

    // the directory's layer is keyed by its content: unchanged, it is CACHED with the same layer
    const again = await buildIn(context, { namedContexts });
    expect((await again.result.image.config()).rootfs.diff_ids).toEqual(config.rootfs.diff_ids);
    expect(again.result.stepsRun).toBe(0);
    await writeFile(join(rootfs, 'app', 'readme'), 'changed\n');
    const changed = await buildIn(context, { namedContexts });
    expect(await readResult(changed, 'app/readme')).toBe('changed\n');
    expect((await changed.result.image.config()).rootfs.diff_ids[0]).not.toBe(config.rootfs.diff_ids[0]);
  });
});
