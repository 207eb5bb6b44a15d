/**
 * RUN --mount=type=secret end to end: what a step sees (file, mode, owner, env), what it leaves
 * (nothing), the cache (a new value does not re-run a step, as in BuildKit), errors; and a leak
 * check of the real CLI: every byte it writes (stdout, stderr, the whole store, its temp
 * directory, the exported archives and file system) is searched for the secret values.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../../src/errors/index.js';
import type { Layer } from '../../src/image/index.js';
import { openSecretStore } from '../../src/secrets/index.js';
import { buildIn, ranSteps, stepOutcomes, withImageFiles } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end secret tests skipped: ${reason}`);

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The paths in a layer tar (directories end with `/`). */
async function layerPaths(layer: Layer): Promise<string[]> {
  const stream: Readable = await layer.openUncompressed();
  const paths: string[] = [];
  const reader = extract();
  reader.on('entry', (header, body, next) => {
    paths.push(header.type === 'directory' ? `${header.name.replace(/\/$/, '')}/` : header.name);
    body.on('end', next);
    body.resume();
  });
  await new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
    stream.on('error', reject);
    stream.pipe(reader);
  });
  return paths.map((p) => p.replace(/^\.\//, ''));
}

describe.skipIf(reason !== undefined)('RUN --mount=type=secret', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-secrets-'));
  }, 1_800_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function build(dockerfile: string, secrets: Record<string, string>, options: { noCache?: boolean } = {}) {
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    const store = await openSecretStore(
      Object.keys(secrets).map((id) => ({ id, env: `SECRET_${id}` })),
      { env: Object.fromEntries(Object.entries(secrets).map(([id, value]) => [`SECRET_${id}`, value])), cwd: dir },
    );
    return buildIn(dir, { secrets: store, ...(options.noCache === true ? { noCache: true } : {}) });
  }

  it('is a read-only file with its mode and owner at /run/secrets/ID and at target=, and a variable with env=, during the step only', { timeout: 300_000 }, async () => {
    const value = `tok-${randomBytes(12).toString('hex')}`;
    const dockerfile = [
      'FROM debian:bookworm-slim',
      `RUN --mount=type=secret,id=tok --mount=type=secret,id=tok,target=/etc/app/token,mode=0440,uid=1000,gid=1001 --mount=type=secret,id=tok,env=TOK_ENV \\`,
      `    mkdir /out && sha256sum < /run/secrets/tok | cut -c1-64 > /out/file-hash && sha256sum < /etc/app/token | cut -c1-64 > /out/target-hash \\`,
      `    && printf %s "$TOK_ENV" | sha256sum | cut -c1-64 > /out/env-hash && stat -c '%a %u %g' /run/secrets/tok /etc/app/token > /out/stat \\`,
      `    && if (echo x > /run/secrets/tok) 2>/dev/null; then echo writable; else echo read-only; fi > /out/ro # ${String(Date.now())}`,
      'RUN ls /run/secrets /etc/app > /out/later 2>&1 || true; printf "[%s]" "${TOK_ENV-unset}" > /out/later-env',
      '',
    ].join('\n');
    const { result } = await build(dockerfile, { tok: value });
    const files = await withImageFiles(result, async (rootfs) => {
      const read = (path: string): Promise<string> => readFile(join(rootfs, path), 'utf8').then((t) => t.trim(), () => 'absent');
      return {
        fileHash: await read('out/file-hash'),
        targetHash: await read('out/target-hash'),
        envHash: await read('out/env-hash'),
        stat: await read('out/stat'),
        ro: await read('out/ro'),
        later: await read('out/later'),
        laterEnv: await read('out/later-env'),
        runSecrets: await read('run/secrets'),
        etcApp: await read('etc/app'),
      };
    });
    expect(files).toEqual({
      fileHash: sha256(value),
      targetHash: sha256(value),
      envHash: sha256(value),
      stat: '400 0 0\n440 1000 1001',
      ro: 'read-only',
      // the next step sees neither the files, nor the mount points, nor the variable
      later: expect.stringMatching(/No such file or directory[\s\S]*No such file or directory/) as unknown as string,
      laterEnv: '[unset]',
      runSecrets: 'absent',
      etcApp: 'absent',
    });
    // the step's layer holds what it wrote, not the secret's mount points
    const layers = await result.image.layers();
    const runLayer = layers.at(-2);
    if (runLayer === undefined) throw new Error('no layer for the RUN step');
    const paths = await layerPaths(runLayer);
    expect(paths.filter((p) => p.startsWith('out/'))).toEqual(['out/', 'out/env-hash', 'out/file-hash', 'out/ro', 'out/stat', 'out/target-hash']);
    // (their parents, copied up unchanged when the mount points were made, stay as bare directory
    // entries: stagecraft's diff keeps copied-up directories, BuildKit's skips unchanged ones)
    expect(paths.filter((p) => !p.startsWith('out/') && p !== 'etc/' && p !== 'run/')).toEqual([]);
    const config = await result.image.config();
    expect(JSON.stringify(config)).not.toContain(value);
    expect(JSON.stringify(config.config?.Env ?? [])).not.toContain('TOK_ENV');
  });

  it('a changed value does not re-run a cached step (BuildKit keys the mount, not the value); --no-cache does', { timeout: 300_000 }, async () => {
    const dockerfile = `FROM debian:bookworm-slim\nRUN --mount=type=secret,id=key sha256sum < /run/secrets/key | cut -c1-64 > /key-hash # ${String(Date.now())}\n`;
    const first = await build(dockerfile, { key: 'first value' });
    const read = (run: typeof first): Promise<string> => withImageFiles(run.result, (rootfs) => readFile(join(rootfs, 'key-hash'), 'utf8').then((t) => t.trim()));
    expect(await read(first)).toBe(sha256('first value'));
    const second = await build(dockerfile, { key: 'second value' });
    expect(ranSteps(second.recording)).toEqual([]);
    expect([...stepOutcomes(second.recording)].filter(([label]) => label.includes('RUN'))).toEqual([[expect.stringContaining('--mount=type=secret,id=key'), 'cached']]);
    expect(await read(second)).toBe(sha256('first value'));
    expect(second.result.digest).toBe(first.result.digest);
    const third = await build(dockerfile, { key: 'second value' }, { noCache: true });
    expect(ranSteps(third.recording).filter((label) => label.includes('RUN'))).toHaveLength(1);
    expect(await read(third)).toBe(sha256('second value'));
  });

  it('an optional secret that was not given is left out; env= then gives an empty variable, as BuildKit does', { timeout: 300_000 }, async () => {
    const dockerfile = [
      'FROM debian:bookworm-slim',
      `RUN --mount=type=secret,id=absent --mount=type=secret,id=absent,env=ABSENT_ENV sh -c 'if test -e /run/secrets/absent; then echo present; else echo "missing [\${ABSENT_ENV-unset}]"; fi > /absent' # ${String(Date.now())}`,
      '',
    ].join('\n');
    const { result } = await build(dockerfile, { other: 'x' });
    expect(await withImageFiles(result, (rootfs) => readFile(join(rootfs, 'absent'), 'utf8'))).toBe('missing []\n');
  });

  it('a required secret that was not given fails its step at its line, naming the id', { timeout: 300_000 }, async () => {
    const dockerfile = `FROM debian:bookworm-slim\nRUN echo first # ${String(Date.now())}\nRUN --mount=type=secret,id=npm_token,required=true cat /run/secrets/npm_token\n`;
    const error = await build(dockerfile, { other: 'not this one' }).then(() => undefined, (err: unknown) => err);
    expect(isBuildError(error)).toBe(true);
    if (!isBuildError(error)) return;
    expect(error.code).toBe('SECRET_NOT_FOUND');
    expect(error.message).toBe('secret npm_token: not found');
    expect(error.locations.map((l) => l.start.line)).toContain(3);
    expect(error.hint).toContain('--secret id=npm_token');
  });
});
