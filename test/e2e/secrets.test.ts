/**
 * RUN --mount=type=secret end to end: what a step sees (file, mode, owner, env), what it leaves
 * (nothing), the cache (a new value does not re-run a step, as in BuildKit), errors; and a leak
 * check of the real CLI: every byte it writes (stdout, stderr, the whole store, its temp
 * directory, the exported archives and file system) is searched for the secret values.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../../src/errors/index.js';
import type { Layer } from '../../src/image/index.js';
import { openSecretStore } from '../../src/secrets/index.js';
import { openStore } from '../../src/store/index.js';
import { buildIn, e2eStore, REPO, ranSteps, stepOutcomes, withImageFiles } from './support/build-driver.js';
import { e2eRoot, e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

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
    const { later, ...rest } = files;
    // the next step sees neither the files, nor the mount points, nor the variable
    expect(later).toMatch(/^ls: cannot access '\/run\/secrets': No such file or directory\nls: cannot access '\/etc\/app': No such file or directory$/);
    expect(rest).toEqual({
      fileHash: sha256(value),
      targetHash: sha256(value),
      envHash: sha256(value),
      stat: '400 0 0\n440 1000 1001',
      ro: 'read-only',
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

  it('a failing step that prints its secret shows it in its own log lines (as BuildKit does), never in the error message', { timeout: 300_000 }, async () => {
    const value = `printed-${randomBytes(8).toString('hex')}`;
    const dockerfile = `FROM debian:bookworm-slim\nRUN --mount=type=secret,id=tok sh -c 'cat /run/secrets/tok; echo; exit 3' # ${String(Date.now())}\n`;
    const error = await build(dockerfile, { tok: value }).then(() => undefined, (err: unknown) => err);
    if (!isBuildError(error)) throw new Error('the build did not fail with a BuildError');
    expect(error.code).toBe('RUN_FAILED');
    expect(error.message).toContain('exit code: 3');
    expect(error.message).not.toContain(value);
    expect(error.hint ?? '').not.toContain(value);
    // the output is the step's own: stagecraft shows it as it came, like any other output
    expect(error.details['lastLogLines']).toEqual([expect.stringContaining(value)]);
  });
});

/** The entries of a tar held in memory, or undefined when it is not a tar. */
async function tarEntries(data: Buffer): Promise<{ name: string; body: Buffer }[] | undefined> {
  if (data.length < 512 || data.subarray(257, 262).toString('latin1') !== 'ustar') return undefined;
  const entries: { name: string; body: Buffer }[] = [];
  const reader = extract();
  reader.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: unknown) => chunks.push(Buffer.from(chunk as Uint8Array)));
    body.on('end', () => {
      entries.push({ name: header.name, body: Buffer.concat(chunks) });
      next();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      reader.on('finish', resolve);
      reader.on('error', reject);
      Readable.from([data]).pipe(reader);
    });
  } catch {
    return entries;
  }
  return entries;
}

/**
 * Where any of `needles` occurs in `data`, looking inside gzip streams and tar archives too (so
 * compressed layers and exported archives are searched by content, not only as bytes).
 */
async function findNeedles(data: Buffer, where: string, needles: readonly Buffer[]): Promise<string[]> {
  const found: string[] = [];
  if (needles.some((needle) => data.includes(needle))) found.push(where);
  if (data[0] === 0x1f && data[1] === 0x8b) {
    let inflated: Buffer | undefined;
    try {
      inflated = gunzipSync(data);
    } catch {
      inflated = undefined;
    }
    if (inflated !== undefined) found.push(...(await findNeedles(inflated, `${where} (gunzipped)`, needles)));
  }
  for (const entry of (await tarEntries(data)) ?? []) found.push(...(await findNeedles(entry.body, `${where}:${entry.name}`, needles)));
  return found;
}

/** Searches every regular file under `dir`; returns where the needles were found and how many files were read. */
async function findNeedlesInTree(dir: string, needles: readonly Buffer[]): Promise<{ found: string[]; files: number; bytes: number }> {
  const found: string[] = [];
  let files = 0;
  let bytes = 0;
  const walk = async (path: string): Promise<void> => {
    const info = await lstat(path);
    if (info.isDirectory()) {
      for (const name of await readdir(path)) await walk(join(path, name));
    } else if (info.isFile()) {
      const data = await readFile(path);
      files++;
      bytes += data.length;
      found.push(...(await findNeedles(data, path, needles)));
    }
  };
  await walk(dir);
  return { found, files, bytes };
}

/** A tar holding one file, gzipped: the scanner must see into both. */
async function gzippedTarOf(name: string, content: string): Promise<Buffer> {
  const archive = pack();
  archive.entry({ name }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive as AsyncIterable<Buffer>) chunks.push(chunk);
  return gzipSync(Buffer.concat(chunks));
}

interface CliRun {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** The CLI (src/cli/main.ts, as bin/stagecraft runs it) bundled from the current sources into one file. */
async function bundleCli(outDir: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(outDir, 'stagecraft.mjs');
  await build({
    stdin: { contents: `import { main } from ${JSON.stringify(join(REPO, 'src/cli/main.ts'))};\nawait main(process.argv.slice(2));\n`, resolveDir: REPO, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return outfile;
}

function runCli(cli: string, args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
  });
}

describe.skipIf(reason !== undefined)('secrets never leave the step: every byte the stagecraft CLI writes', () => {
  const fileSecret = `file-secret-${randomBytes(16).toString('hex')}`;
  const envSecret = `env-secret-${randomBytes(16).toString('hex')}`;
  const needles = [fileSecret, envSecret].flatMap((secret) => [Buffer.from(secret), Buffer.from(Buffer.from(secret).toString('base64')), Buffer.from(Buffer.from(secret).toString('hex'))]);
  let work: string;
  let root: string;
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
    work = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-secret-leak-'));
    // a store of its own (beside the end-to-end one, on the same file system), holding only the base image
    root = `${e2eRoot()}-secret-leak-${randomBytes(4).toString('hex')}`;
    const store = await openStore(root);
    await store.putImage(await (await e2eStore()).getImage('debian:bookworm-slim'), { tags: ['debian:bookworm-slim'] });
  }, 1_800_000);
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  });

  it('finds the secrets in a gzipped tar (the search itself works)', async () => {
    expect(await findNeedles(await gzippedTarOf('a/b', `x ${fileSecret} y`), 'probe', needles)).toEqual(['probe (gunzipped)', 'probe (gunzipped):a/b']);
    expect(await findNeedles(Buffer.from(`{"v":"${Buffer.from(envSecret).toString('base64')}"}`), 'b64', needles)).toEqual(['b64']);
  });

  it('plain and json progress, OCI/docker/local outputs, failing steps: the steps read the secrets, nothing stagecraft wrote holds them', { timeout: 900_000 }, async () => {
    const context = join(work, 'context');
    const secrets = join(work, 'secrets');
    const out = join(work, 'out');
    const temp = join(work, 'tmp');
    for (const d of [context, secrets, out, temp]) await mkdir(d);
    await writeFile(join(secrets, 'api_token'), fileSecret);
    await writeFile(
      join(context, 'Dockerfile'),
      [
        'FROM debian:bookworm-slim',
        'RUN --mount=type=secret,id=api_token,required=true --mount=type=secret,id=env_token,env=ENV_TOKEN \\',
        '    echo "using the tokens" && mkdir /out && sha256sum < /run/secrets/api_token | cut -c1-64 > /out/file-hash \\',
        '    && printf %s "$ENV_TOKEN" | sha256sum | cut -c1-64 > /out/env-hash',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(context, 'Dockerfile.fail'),
      'FROM debian:bookworm-slim\nRUN --mount=type=secret,id=api_token --mount=type=secret,id=env_token,env=ENV_TOKEN sh -c \'echo "comparing the tokens"; test "$(cat /run/secrets/api_token)" = "$ENV_TOKEN"\'\n',
    );
    await writeFile(join(context, 'Dockerfile.required'), 'FROM debian:bookworm-slim\nRUN --mount=type=secret,id=deploy_key,required=true cat /run/secrets/deploy_key\n');
    const cli = await bundleCli(work);
    const env = { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: work, TMPDIR: temp, STAGECRAFT_LEAK_TOKEN: envSecret };
    const secretFlags = ['--secret', `id=api_token,src=${join(secrets, 'api_token')}`, '--secret', 'id=env_token,env=STAGECRAFT_LEAK_TOKEN'];
    const build = (args: readonly string[]): Promise<CliRun> => runCli(cli, ['--root', root, 'build', ...secretFlags, ...args, context], env);

    const plain = await build(['--progress', 'plain', '-t', 'leak:1', '-o', `type=oci,dest=${join(out, 'image.oci.tar')}`, '-o', `type=local,dest=${join(out, 'fs')}`]);
    expect(plain.stderr.toString()).toContain('using the tokens');
    expect(plain.code).toBe(0);
    const json = await build(['--progress', 'json', '--no-cache', '-o', `type=docker,dest=${join(out, 'image.docker.tar')}`, '-o', `type=tar,dest=${join(out, 'fs.tar')}`]);
    expect(json.code).toBe(0);
    const jsonText = json.stdout.toString() + json.stderr.toString();
    expect(jsonText).toContain('using the tokens');
    expect(jsonText.split('\n').filter((line) => line.startsWith('{')).length).toBeGreaterThan(3);
    const cached = await build(['--progress', 'plain']);
    expect(cached.code).toBe(0);
    expect(cached.stderr.toString()).toMatch(/CACHED/);

    const failures: CliRun[] = [];
    for (const progress of ['plain', 'json']) {
      const failed = await build(['--progress', progress, '-f', join(context, 'Dockerfile.fail')]);
      expect(failed.code).toBe(1);
      expect(failed.stderr.toString()).toContain('did not complete successfully: exit code: 1');
      expect(failed.stderr.toString() + failed.stdout.toString()).toContain('comparing the tokens');
      const missing = await build(['--progress', progress, '-f', join(context, 'Dockerfile.required')]);
      expect(missing.code).toBe(1);
      expect(missing.stderr.toString()).toContain('secret deploy_key: not found');
      expect(missing.stderr.toString()).toMatch(/Dockerfile\.required:2/);
      failures.push(failed, missing);
    }

    // the steps did read both secrets
    expect((await readFile(join(out, 'fs', 'out', 'file-hash'), 'utf8')).trim()).toBe(sha256(fileSecret));
    expect((await readFile(join(out, 'fs', 'out', 'env-hash'), 'utf8')).trim()).toBe(sha256(envSecret));

    // ... and nothing anywhere holds them
    const outputs = [plain, json, cached, ...failures].flatMap((run, i) => [
      { name: `run ${String(i)} stdout`, data: run.stdout },
      { name: `run ${String(i)} stderr`, data: run.stderr },
    ]);
    const found: string[] = [];
    for (const output of outputs) found.push(...(await findNeedles(output.data, output.name, needles)));
    const storeScan = await findNeedlesInTree(root, needles);
    const outScan = await findNeedlesInTree(out, needles);
    const tempScan = await findNeedlesInTree(temp, needles);
    found.push(...storeScan.found, ...outScan.found, ...tempScan.found);
    expect(found).toEqual([]);
    // the scan read the store's blobs, cache records and refs and the outputs (not an empty tree)
    expect(storeScan.files).toBeGreaterThan(1000);
    expect(outScan.bytes).toBeGreaterThan(50_000_000);
    for (const area of ['blobs', 'cache', 'refs']) expect(await readdir(join(root, area))).not.toEqual([]);
    // no step left a secret tmpfs or a file in the temp directory
    expect(await readdir(temp)).toEqual([]);
    expect((await readFile('/proc/self/mountinfo', 'utf8')).includes(temp)).toBe(false);
  });
});
