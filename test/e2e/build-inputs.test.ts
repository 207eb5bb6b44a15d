import { execFileSync, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build as esbuild } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, gitServerAvailable, makeServedRepo, startGitHttpServer } from '../support/git-http-server.js';
import type { GitHttpServer } from '../support/git-http-server.js';
import { buildIn, REPO, stepOutcomes, withImageFiles } from './support/build-driver.js';
import type { DriverRun } from './support/build-driver.js';
import { e2eRoot, e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const reason = await e2eUnavailable();
/** Makes this run's contents its own: the cache is content-keyed and outlives test runs. */
const NONCE = `${String(Date.now())}-${String(process.pid)}`;
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
    await writeFiles(assets, { 'data.txt': 'v1\n', 'run.txt': NONCE, 'ignored.log': 'noise 1\n', '.dockerignore': '*.log\n' });
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
    await writeFile(join(assets, 'run.txt'), `${NONCE} changed`);
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

/**
 * The CLI as bin/stagecraft runs it (src/cli/main.ts's main), bundled from the current sources
 * (dist/ may be older than them), run as a separate process with `--root` and standard input.
 */
async function bundleCli(): Promise<string> {
  const dir = join(REPO, '.stagecraft', `cli-bundle-${String(process.pid)}`);
  const outfile = join(dir, 'stagecraft.mjs');
  await esbuild({
    stdin: { contents: "import { main } from './src/cli/main.ts';\nawait main(process.argv.slice(2));\n", resolveDir: REPO, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

function runCli(cli: string, args: readonly string[], stdin: string | Buffer | { file: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--root', e2eRoot(), ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    if (typeof stdin === 'object' && 'file' in stdin) createReadStream(stdin.file).pipe(child.stdin);
    else child.stdin.end(stdin);
  });
}

async function stdinDirs(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('stagecraft-stdin-'));
}

describe.skipIf(reason !== undefined)('build inputs end to end: the context on standard input, through the CLI', () => {
  let cli: string;
  let dir: string;
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
    cli = await bundleCli();
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-stdin-'));
  }, 1_800_000);
  afterAll(async () => {
    await rm(join(cli, '..'), { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it('`build - < ctx.tar.gz` unpacks the archive as the context (no .dockerignore applies to it), a rebuild is CACHED, -f names a Dockerfile inside it', { timeout: 300_000 }, async () => {
    const tree = join(dir, 'tree');
    await writeFiles(tree, {
      Dockerfile: 'FROM debian:bookworm-slim\nCOPY . /ctx/\nRUN cat /ctx/app.txt > /out.txt\n',
      'docker/other.Dockerfile': 'FROM debian:bookworm-slim\nCOPY app.txt /other.txt\n',
      'app.txt': 'from the archive\n',
      '.dockerignore': '*.txt\n',
    });
    const archive = join(dir, 'ctx.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', tree, '.']);
    const before = await stdinDirs();
    const out = join(dir, 'out1');
    const first = await runCli(cli, ['build', '--progress', 'plain', '-o', `type=local,dest=${out}`, '-'], { file: archive });
    expect(first.stderr).not.toContain('ERROR');
    expect(first.code).toBe(0);
    expect(await readFile(join(out, 'ctx', 'app.txt'), 'utf8')).toBe('from the archive\n');
    expect(await readFile(join(out, 'out.txt'), 'utf8')).toBe('from the archive\n');
    expect(await readFile(join(out, 'ctx', 'Dockerfile'), 'utf8')).toContain('COPY . /ctx/');

    const again = await runCli(cli, ['build', '--progress', 'plain', '-'], { file: archive });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/\[2\/3\] COPY \. \/ctx\/\n#\d+ CACHED/);
    expect(again.stderr).toMatch(/\[3\/3\] RUN cat \/ctx\/app.txt > \/out.txt\n#\d+ CACHED/);

    const other = join(dir, 'out2');
    const custom = await runCli(cli, ['build', '-q', '-f', 'docker/other.Dockerfile', '-o', `type=local,dest=${other}`, '-'], { file: archive });
    expect(custom.code).toBe(0);
    expect(custom.stdout.trim()).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await readFile(join(other, 'other.txt'), 'utf8')).toBe('from the archive\n');
    // every private copy of the context is gone
    expect(await stdinDirs()).toEqual(before);
  });

  it('`build - < Dockerfile` builds with an empty context; `-f - DIR` reads the Dockerfile from stdin; misuse is a usage error', { timeout: 300_000 }, async () => {
    const out = join(dir, 'out3');
    const plain = await runCli(cli, ['build', '-q', '-o', `type=local,dest=${out}`, '-'], 'FROM debian:bookworm-slim\nCOPY . /ctx/\n');
    expect(plain.code).toBe(0);
    expect(await readdir(join(out, 'ctx'))).toEqual([]);
    const ctx = join(dir, 'ctx-dir');
    await writeFiles(ctx, { 'here.txt': 'dir context\n' });
    const out2 = join(dir, 'out4');
    const fromDir = await runCli(cli, ['build', '-q', '-f', '-', '-o', `type=local,dest=${out2}`, ctx], 'FROM debian:bookworm-slim\nCOPY here.txt /\n');
    expect(fromDir.code).toBe(0);
    expect(await readFile(join(out2, 'here.txt'), 'utf8')).toBe('dir context\n');
    const both = await runCli(cli, ['build', '-f', '-', '-'], 'FROM scratch\n');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("can't use stdin for both build context and dockerfile");
    const ambiguous = await runCli(cli, ['build', '-f', 'Dockerfile', '-'], 'FROM scratch\n');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('ambiguous Dockerfile source');
  });

  it('--build-context on the command line feeds COPY --from', { timeout: 300_000 }, async () => {
    const assets = join(dir, 'assets');
    await writeFiles(assets, { 'logo.svg': '<svg/>\n' });
    const ctx = join(dir, 'ctx-named');
    await writeFiles(ctx, { Dockerfile: 'FROM debian:bookworm-slim\nCOPY --from=assets logo.svg /srv/\n' });
    const out = join(dir, 'out5');
    const run = await runCli(cli, ['build', '-q', '--build-context', `assets=${assets}`, '-o', `type=local,dest=${out}`, ctx], '');
    expect(run.stderr).toBe('');
    expect(await readFile(join(out, 'srv', 'logo.svg'), 'utf8')).toBe('<svg/>\n');
    const bad = await runCli(cli, ['build', '--build-context', 'assets', ctx], '');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid context value: assets, expected key=value');
  });
});

describe.skipIf(reason !== undefined || !gitServerAvailable())('build inputs end to end: ADD of a git repository and ADD --unpack', () => {
  let server: GitHttpServer;
  let files: Server;
  let filesBase = '';
  let work = '';
  let url = '';
  const dirs: string[] = [];
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
    server = await startGitHttpServer();
    const repo = await makeServedRepo(server, 'lib');
    work = repo.work;
    url = repo.url;
    await repo.commit({ 'README.md': 'v1 readme\n', 'docs/guide.md': 'v1 guide\n', 'docs/run.txt': NONCE }, 'v1');
    git(work, 'tag', 'v1');
    git(work, 'push', '-q', 'origin', 'v1');
    const archiveDir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-tars-'));
    dirs.push(archiveDir, work);
    await writeFiles(join(archiveDir, 'tree'), { 'pkg/lib.txt': 'packed\n' });
    execFileSync('tar', ['-czf', join(archiveDir, 'pkg.tar.gz'), '-C', join(archiveDir, 'tree'), 'pkg']);
    const archive = await readFile(join(archiveDir, 'pkg.tar.gz'));
    files = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(archive);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesBase = `http://127.0.0.1:${String((files.address() as AddressInfo).port)}`;
  }, 1_800_000);
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => files.close(resolve));
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('ADD https://host/repo.git#ref:subdir checks out that commit (no .git unless --keep-git-dir); the cache follows the commit a ref names', { timeout: 300_000 }, async () => {
    const context = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-git-'));
    dirs.push(context);
    await writeFiles(context, {
      Dockerfile: [
        'FROM debian:bookworm-slim',
        `ADD ${url}#v1:docs /pinned/`,
        `ADD ${url}#main /main/`,
        `ADD --keep-git-dir ${url} /repo`,
        'RUN test -d /repo/.git && test ! -e /main/.git && echo ok > /checked',
        '',
      ].join('\n'),
    });
    const first = await buildIn(context);
    expect(await readResult(first, 'pinned/guide.md')).toBe('v1 guide\n');
    expect(await readResult(first, 'pinned/README.md')).toBe('absent');
    expect(await readResult(first, 'main/README.md')).toBe('v1 readme\n');
    expect(await readResult(first, 'checked')).toBe('ok\n');
    expect(await readResult(first, 'repo/.git/HEAD')).toMatch(/^[0-9a-f]{40}\n$/);

    const same = await buildIn(context);
    expect(outcomesOf(same, 'ADD')).toEqual(['cached', 'cached', 'cached']);

    // main moves: the steps that read main run again, the tag's stays cached
    await writeFiles(work, { 'README.md': 'v2 readme\n', 'run.txt': `${NONCE} v2` });
    git(work, 'add', 'run.txt');
    git(work, 'commit', '-q', '-am', 'v2');
    git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
    const moved = await buildIn(context);
    expect(outcomesOf(moved, 'ADD')).toEqual(['cached', 'done', 'done']);
    expect(await readResult(moved, 'main/README.md')).toBe('v2 readme\n');
    expect(await readResult(moved, 'pinned/guide.md')).toBe('v1 guide\n');
  });

  it('ADD --unpack=true unpacks a downloaded archive; --unpack=false copies a local archive as it is', { timeout: 300_000 }, async () => {
    const context = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-unpack-'));
    dirs.push(context);
    await writeFiles(join(context, 'tree'), { 'local/a.txt': 'local\n' });
    execFileSync('tar', ['-cf', join(context, 'local.tar'), '-C', join(context, 'tree'), 'local']);
    await writeFiles(context, {
      Dockerfile: [
        'FROM debian:bookworm-slim',
        `ADD --unpack=true ${filesBase}/pkg.tar.gz /unpacked/`,
        `ADD ${filesBase}/pkg.tar.gz /downloaded/`,
        'ADD --unpack=false local.tar /kept/',
        'ADD local.tar /extracted/',
        '',
      ].join('\n'),
    });
    const run = await buildIn(context);
    expect(await readResult(run, 'unpacked/pkg/lib.txt')).toBe('packed\n');
    expect(await withImageFiles(run.result, async (rootfs) => (await stat(join(rootfs, 'downloaded', 'pkg.tar.gz'))).isFile())).toBe(true);
    expect(await withImageFiles(run.result, async (rootfs) => (await stat(join(rootfs, 'kept', 'local.tar'))).isFile())).toBe(true);
    expect(await readResult(run, 'extracted/local/a.txt')).toBe('local\n');
  });
});
