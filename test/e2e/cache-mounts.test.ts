/**
 * RUN --mount=type=cache end to end: what a step sees (sharing between steps running at the same
 * time, from/source seeding, owner and mode, read-only, the default id), what it leaves (nothing of
 * the cache in the layer), and a missing source as a located error. Persistence across builds is
 * in features.test.ts; the locking between processes and crash recovery in
 * src/solve/cache-mount-dirs.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../../src/errors/index.js';
import type { Layer } from '../../src/image/index.js';
import { buildIn, withImageFiles } from './support/build-driver.js';
import type { DriverRun } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end cache mount tests skipped: ${reason}`);

/** The paths in a layer tar. */
async function layerPaths(layer: Layer): Promise<string[]> {
  const stream: Readable = await layer.openUncompressed();
  const paths: string[] = [];
  const reader = extract();
  reader.on('entry', (header, body, next) => {
    paths.push(header.name.replace(/^\.\//, ''));
    body.on('end', next);
    body.resume();
  });
  await new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
    stream.on('error', reject);
    stream.pipe(reader);
  });
  return paths;
}

/** Unique per test run, so cache ids and commands never collide with earlier runs on this machine. */
const RUN_ID = `${String(Date.now())}-${String(process.pid)}`;

/**
 * A step that says whether another step was inside the cache mount `/m` while it was: it announces
 * itself in a shared cache `/sync` (`NAME` exists while it is inside), waits up to `wait` seconds
 * for the OTHER one to be inside too, and writes `together` or `alone` to /result; it also lists
 * what it found in /m (after adding its own marker) to /listing.
 */
function rendezvousStep(name: string, other: string, mount: string, wait: number): string {
  const sync = `--mount=type=cache,id=sync-${mount.replace(/[^a-z0-9-]/g, '-')},target=/sync`;
  return [
    `RUN ${sync} --mount=type=cache,${mount},target=/m sh -c '`,
    `touch /m/${name}; touch /sync/${name}; seen=alone; i=0;`,
    `while [ $i -lt ${String(wait * 10)} ]; do if [ -e /sync/${other} ]; then seen=together; break; fi; sleep 0.1; i=$((i+1)); done;`,
    `ls /m > /listing; echo $seen > /result; sleep 1; rm -f /sync/${name}' # ${RUN_ID}`,
  ].join(' ');
}

describe.skipIf(reason !== undefined)('RUN --mount=type=cache', () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
  }, 1_800_000);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function buildText(dockerfile: string): Promise<DriverRun> {
    const dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-cache-'));
    dirs.push(dir);
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    return buildIn(dir);
  }

  async function files(run: DriverRun, paths: readonly string[]): Promise<string[]> {
    return withImageFiles(run.result, (rootfs) => Promise.all(paths.map((p) => readFile(join(rootfs, p), 'utf8').then((t) => t.trim(), () => 'absent'))));
  }

  /** Two builds at once, each one step from rendezvousStep; their /result and /listing. */
  async function twoAtOnce(mount: string, wait: number): Promise<Array<{ result: string; listing: string[] }>> {
    const runs = await Promise.all(
      [['a', 'b'], ['b', 'a']].map(([name = '', other = '']) => buildText(`FROM debian:bookworm-slim\n${rendezvousStep(name, other, mount, wait)}\n`)),
    );
    return Promise.all(runs.map(async (run) => {
      const [result = '', listing = ''] = await files(run, ['result', 'listing']);
      return { result, listing: listing.split('\n').filter((l) => l !== '') };
    }));
  }

  it('sharing=shared: steps running at the same time see one directory', { timeout: 300_000 }, async () => {
    const [a, b] = await twoAtOnce(`id=shared-${RUN_ID},sharing=shared`, 120);
    expect([a?.result, b?.result]).toEqual(['together', 'together']);
    // each listed after its own marker and after meeting the other: both markers, in one directory
    expect(a?.listing).toEqual(['a', 'b']);
    expect(b?.listing).toEqual(['a', 'b']);
  });

  it('sharing=private: a step that finds the cache in use gets a directory of its own', { timeout: 300_000 }, async () => {
    const [a, b] = await twoAtOnce(`id=private-${RUN_ID},sharing=private`, 120);
    expect([a?.result, b?.result]).toEqual(['together', 'together']);
    expect(a?.listing).toEqual(['a']);
    expect(b?.listing).toEqual(['b']);
  });

  it('sharing=locked: one step at a time; the second waits and then sees what the first left', { timeout: 300_000 }, async () => {
    const [a, b] = await twoAtOnce(`id=locked-${RUN_ID},sharing=locked`, 6);
    expect([a?.result, b?.result]).toEqual(['alone', 'alone']);
    // one of them went second and found the other's marker in the same directory
    expect([[['a'], ['a', 'b']], [['a', 'b'], ['b']]]).toContainEqual([a?.listing, b?.listing]);
  });

  it('two mounts of one cache in one RUN share its directory (a locked one does not wait for itself)', { timeout: 300_000 }, async () => {
    const mount = `type=cache,id=twice-${RUN_ID},sharing=locked`;
    const run = await buildText(`FROM debian:bookworm-slim\nRUN --mount=${mount},target=/a --mount=${mount},target=/b sh -c 'echo same > /a/f; cat /b/f > /both' # ${RUN_ID}\n`);
    expect(await files(run, ['both'])).toEqual(['same']);
  });

  it('is never part of a layer; the mount point made for it is not either', { timeout: 300_000 }, async () => {
    const run = await buildText(
      `FROM debian:bookworm-slim\nRUN --mount=type=cache,id=layer-${RUN_ID},target=/var/cache/thing sh -c 'echo cached > /var/cache/thing/data && mkdir /var/cache/thing/sub && echo out > /out' # ${RUN_ID}\n`,
    );
    const layers = await run.result.image.layers();
    const last = layers[layers.length - 1];
    if (last === undefined) throw new Error('no layers');
    const paths = await layerPaths(last);
    expect(paths).toContain('out');
    expect(paths.filter((p) => p.startsWith('var/cache/thing'))).toEqual([]);
    expect(await files(run, ['out', 'var/cache/thing/data', 'var/cache/thing'])).toEqual(['out', 'absent', 'absent']);
  });

  it('from + source: starts from the stage\'s files; what steps add persists without touching the stage', { timeout: 300_000 }, async () => {
    const dockerfile = (seed: string, token: string): string =>
      [
        'FROM debian:bookworm-slim AS gen',
        `RUN mkdir -p /seed/dir && echo ${seed} > /seed/dir/a.txt`,
        'FROM debian:bookworm-slim',
        `RUN --mount=type=cache,id=seeded-${RUN_ID},from=gen,source=/seed/dir,target=/c sh -c 'cat /c/a.txt > /got; echo ${token} >> /c/log; ls /c > /listing; cat /c/log > /log' # ${token}`,
        'COPY --from=gen /seed /seedcopy',
        '',
      ].join('\n');
    const first = await buildText(dockerfile(`seed-${RUN_ID}`, 'one'));
    expect(await files(first, ['got', 'listing', 'log', 'seedcopy/dir/a.txt'])).toEqual([`seed-${RUN_ID}`, 'a.txt\nlog', 'one', `seed-${RUN_ID}`]);
    const second = await buildText(dockerfile(`seed-${RUN_ID}`, 'two'));
    expect(await files(second, ['log', 'seedcopy/dir/log'])).toEqual(['one\ntwo', 'absent']);
    // another result of the from stage starts another cache
    const changed = await buildText(dockerfile(`changed-${RUN_ID}`, 'three'));
    expect(await files(changed, ['got', 'log'])).toEqual([`changed-${RUN_ID}`, 'three']);
  });

  it('uid, gid and mode set the new directory; ro makes it read-only; the id defaults to the target', { timeout: 300_000 }, async () => {
    const target = `/root/cache-${RUN_ID}`;
    const run = await buildText(
      [
        'FROM debian:bookworm-slim',
        `RUN --mount=type=cache,id=owned-${RUN_ID},target=/c,uid=1234,gid=2345,mode=0750 stat -c '%u %g %a' /c > /owner # ${RUN_ID}`,
        `RUN --mount=type=cache,target=${target} echo by-target > ${target}/f # ${RUN_ID}`,
        `RUN --mount=type=cache,id=${target},target=/elsewhere,ro sh -c 'cat /elsewhere/f > /read; if touch /elsewhere/x 2>/dev/null; then echo writable; else echo read-only; fi > /ro' # ${RUN_ID}`,
        '',
      ].join('\n'),
    );
    expect(await files(run, ['owner', 'read', 'ro'])).toEqual(['1234 2345 750', 'by-target', 'read-only']);
  });

  it('a source missing from the cache fails the step at its line', { timeout: 300_000 }, async () => {
    const error = await buildText(`FROM debian:bookworm-slim\nRUN --mount=type=cache,id=nosrc-${RUN_ID},target=/c,source=/missing true # ${RUN_ID}\n`).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isBuildError(error) ? [error.code, error.locations[0]?.start.line] : error).toEqual(['RUN_SETUP_FAILED', 2]);
    expect((error as Error).message).toMatch(/\/missing not found in the cache/);
  });
});
