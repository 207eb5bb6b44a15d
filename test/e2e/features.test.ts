import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullImage } from '../../src/registry/index.js';
import { parseReference } from '../../src/oci/index.js';
import { openStore } from '../../src/store/index.js';
import { writeOutputs } from '../../src/solve/index.js';
import { dockerRegistryUnavailable, startDockerRegistry } from '../support/docker-registry.js';
import { buildIn, e2eStore, ranSteps, withImageFiles } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';
import { startTextServer } from './support/text-server.js';
import type { TextServer } from './support/text-server.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end feature tests skipped: ${reason}`);

/** Builds `files` (a Dockerfile and context files); `read` gets a file of the result, or 'absent'. */
async function buildFiles(files: Record<string, string>, options: Parameters<typeof buildIn>[1] = {}): Promise<{ dir: string; run: Awaited<ReturnType<typeof buildIn>>; read: (path: string) => Promise<string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-feature-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const run = await buildIn(dir, options);
  const read = (path: string): Promise<string> => withImageFiles(run.result, (rootfs) => readFile(join(rootfs, path), 'utf8').catch(() => 'absent'));
  return { dir, run, read };
}

describe.skipIf(reason !== undefined)('engine features end to end', () => {
  const dirs: string[] = [];
  let server: TextServer;
  let body = 'first body\n';
  let base = '';
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
    server = await startTextServer(() => body);
    base = server.base;
  }, 1_800_000);
  afterAll(async () => {
    await server.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('--network none gives RUN only the loopback interface; the default shares the host network', { timeout: 120_000 }, async () => {
    const files = { Dockerfile: `FROM debian:bookworm-slim\nRUN ls /sys/class/net > /nets # ${String(Date.now())}\n` };
    const none = await buildFiles(files, { network: 'none' });
    dirs.push(none.dir);
    expect((await none.read('nets')).trim()).toBe('lo');
    const host = await buildFiles(files);
    dirs.push(host.dir);
    expect((await host.read('nets')).trim().split('\n').length).toBeGreaterThan(1);
  });

  it('RUN --mount: cache directories survive builds, bind mounts read another stage, tmpfs is thrown away', { timeout: 180_000 }, async () => {
    const id = `e2e-${String(Date.now())}`;
    const dockerfile = [
      'FROM debian:bookworm-slim AS gen',
      'RUN mkdir /data && echo from-gen > /data/x',
      'FROM debian:bookworm-slim',
      `RUN --mount=type=cache,id=${id},target=/cache echo run >> /cache/log && wc -l < /cache/log > /count`,
      'RUN --mount=type=bind,from=gen,source=/data,target=/mnt cp /mnt/x /y',
      'RUN --mount=type=tmpfs,target=/scratch echo temp > /scratch/t && ls /scratch > /listed',
      '',
    ].join('\n');
    const first = await buildFiles({ Dockerfile: dockerfile }, { noCache: true });
    dirs.push(first.dir);
    expect((await first.read('count')).trim()).toBe('1');
    expect(await first.read('y')).toBe('from-gen\n');
    expect(await first.read('listed')).toBe('t\n');
    expect(await first.read('scratch/t')).toBe('absent');
    const second = await buildFiles({ Dockerfile: dockerfile }, { noCache: true });
    dirs.push(second.dir);
    expect((await second.read('count')).trim()).toBe('2');
  });

  it('a heredoc script with #! runs from a file; USER and WORKDIR apply to RUN; ONBUILD is stored', { timeout: 120_000 }, async () => {
    const dockerfile = [
      'FROM debian:bookworm-slim',
      'RUN useradd -m -u 1234 app',
      'USER app',
      'WORKDIR /home/app/work',
      `RUN <<EOF`,
      '#!/bin/sh',
      `echo "$(id -u) $(pwd) ${String(Date.now())}" > whoami`,
      'EOF',
      'ONBUILD RUN echo triggered',
      '',
    ].join('\n');
    const built = await buildFiles({ Dockerfile: dockerfile });
    dirs.push(built.dir);
    expect((await built.read('home/app/work/whoami')).split(' ').slice(0, 2)).toEqual(['1234', '/home/app/work']);
    const config = await built.run.result.image.config();
    expect(config.config?.OnBuild).toEqual(['RUN echo triggered']);
    expect(config.config?.User).toBe('app');
  });

  it('ADD of a URL: keyed by the downloaded content (or by --checksum), re-run when it changes', { timeout: 120_000 }, async () => {
    const url = `${base}/file-${String(Date.now())}.txt`;
    const files = { Dockerfile: `FROM debian:bookworm-slim\nADD ${url} /downloaded.txt\n` };
    body = 'first body\n';
    const one = await buildFiles(files);
    dirs.push(one.dir);
    expect(await one.read('downloaded.txt')).toBe('first body\n');
    const same = await buildIn(one.dir);
    expect(ranSteps(same.recording)).toEqual([]);
    body = 'second body\n';
    const changed = await buildFiles(files);
    dirs.push(changed.dir);
    expect(ranSteps(changed.run.recording)).toEqual([`[2/2] ADD ${url} /downloaded.txt`]);
    expect(await changed.read('downloaded.txt')).toBe('second body\n');
  });

  it.skipIf(dockerRegistryUnavailable() !== undefined)('--output type=registry pushes the image; a pull into an empty store gets the same digest', { timeout: 300_000 }, async () => {
    const registry = await startDockerRegistry();
    try {
      const dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-push-'));
      dirs.push(dir);
      await writeFile(join(dir, 'Dockerfile'), 'FROM debian:bookworm-slim\nRUN echo pushed > /pushed\n');
      const name = `${registry.host}/e2e/pushed:1`;
      const { result } = await buildIn(dir, { tags: [name] });
      await writeOutputs(result, [{ type: 'image', names: [], push: true }], { store: await e2eStore(), tags: [name] });
      const empty = await openStore(join(dir, 'empty-store'));
      const pulled = await pullImage(parseReference(name), { store: empty, credentials: false });
      const config = await pulled.image.config();
      expect((await pulled.image.manifest()).config.digest).toBe(result.configDigest);
      expect(config.history?.at(-1)?.created_by).toBe('RUN /bin/sh -c echo pushed > /pushed # buildkit');
    } finally {
      await registry.stop();
    }
  });
});
