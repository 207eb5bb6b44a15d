// bin/stagecraft, the launcher: it starts node from the start-up snapshot (dist/bundle/stagecraft.blob)
// when the blob was made by the node on PATH, and otherwise runs bin/stagecraft.mjs (the bundle
// through the code cache, or the compiled modules). These tests run the launcher from a private copy
// of bin/ and dist/ so they can take pieces away and see which path it chose.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync as writeFileSyncText } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eRoot, e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const repo = join(import.meta.dirname, '..', '..');
const blob = join(repo, 'dist', 'bundle', 'stagecraft.blob');
const noBlob = existsSync(blob) ? undefined : 'dist/bundle/stagecraft.blob is missing (run `npm run build`; a node without --build-snapshot makes none)';
if (noBlob !== undefined) console.warn(`launcher tests skipped: ${noBlob}`);

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function launch(app: string, args: readonly string[], env: Record<string, string> = {}): Ran {
  const ran = spawnSync(join(app, 'bin', 'stagecraft'), [...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 });
  return { code: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

/** As launch, without blocking this process (whose servers the command may talk to). */
function launchAsync(app: string, args: readonly string[], env: Record<string, string | undefined>): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(app, 'bin', 'stagecraft'), [...args], { env: env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => { resolve({ code, stdout, stderr }); });
  });
}

/** A test CA and a certificate for 127.0.0.1 signed by it, made with openssl in `dir`. */
function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  const openssl = (args: string[]): void => {
    const ran = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (ran.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${ran.stderr}`);
  };
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=stagecraft test CA']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSyncText(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
  return { ca: join(dir, 'ca.pem'), key: join(dir, 'server.key'), cert: join(dir, 'server.pem') };
}

/** A copy of the CLI as installed: bin/, dist/, package.json, node_modules linked. */
async function copyApp(into: string): Promise<string> {
  await mkdir(into, { recursive: true });
  await cp(join(repo, 'bin'), join(into, 'bin'), { recursive: true });
  await cp(join(repo, 'dist'), join(into, 'dist'), { recursive: true });
  await cp(join(repo, 'package.json'), join(into, 'package.json'));
  await symlink(join(repo, 'node_modules'), join(into, 'node_modules'));
  return into;
}

describe.skipIf(noBlob !== undefined)('bin/stagecraft', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-launcher-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the same through the snapshot, the bundle and the compiled modules', async () => {
    const app = await copyApp(join(dir, 'same'));
    for (const args of [['--version'], ['--help'], ['build', '--help']]) {
      const snapshot = launch(app, args);
      const bundle = launch(app, args, { STAGECRAFT_NO_SNAPSHOT: '1' });
      const modules = launch(app, args, { STAGECRAFT_NO_SNAPSHOT: '1', STAGECRAFT_NO_BUNDLE: '1' });
      expect(snapshot.code, snapshot.stderr).toBe(0);
      expect(snapshot.stdout.length).toBeGreaterThan(0);
      expect(bundle).toEqual(snapshot);
      expect(modules).toEqual(snapshot);
    }
  });

  it('runs the bundle when NODE_OPTIONS is set (node refuses a snapshot under other V8 flags)', async () => {
    const app = await copyApp(join(dir, 'node-options'));
    const plain = launch(app, ['--version']);
    for (const options of ['--max-old-space-size=4096', '--enable-source-maps']) {
      const ran = launch(app, ['--version'], { NODE_OPTIONS: options });
      expect(ran, options).toEqual(plain);
    }
  });

  it('runs from the snapshot alone when the blob matches the node on PATH', async () => {
    const app = await copyApp(join(dir, 'snapshot-only'));
    // nothing else to run: only the snapshot can answer
    await rm(join(app, 'dist', 'bundle', 'stagecraft.cjs'));
    await rm(join(app, 'dist', 'cli'), { recursive: true });
    const ran = launch(app, ['--version']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/\d+\.\d+\.\d+/);
    // a failing command keeps its exit status and message through the snapshot
    const bad = launch(app, ['inspect', 'no-such-image:1'], { STAGECRAFT_ROOT: join(dir, 'empty-root') });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/no-such-image/);
  });

  it('does not use a blob made by another node binary, or one older than the node', async () => {
    const app = await copyApp(join(dir, 'stale'));
    await rm(join(app, 'dist', 'bundle', 'stagecraft.cjs'));
    await rm(join(app, 'dist', 'cli'), { recursive: true });
    // with neither the bundle nor the modules, falling back shows as the start-up failure
    await writeFile(join(app, 'dist', 'bundle', 'stagecraft.blob.node'), '/opt/other-node/bin/node\n');
    const other = launch(app, ['--version']);
    expect(other.code).toBe(70);
    expect(other.stderr).toMatch(/cannot start/);

    const node = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout.trim();
    await writeFile(join(app, 'dist', 'bundle', 'stagecraft.blob.node'), `${node}\n`);
    expect(launch(app, ['--version']).code).toBe(0);
    // the node was replaced after the blob was made (an upgrade): the blob is not trusted
    spawnSync('touch', ['-d', '2000-01-01', join(app, 'dist', 'bundle', 'stagecraft.blob')]);
    expect(launch(app, ['--version']).code).toBe(70);
    // and STAGECRAFT_NO_SNAPSHOT=1 never uses it
    spawnSync('touch', [join(app, 'dist', 'bundle', 'stagecraft.blob')]);
    expect(launch(app, ['--version'], { STAGECRAFT_NO_SNAPSHOT: '1' }).code).toBe(70);
  });

  it('works through a symbolic link to it (as npm installs it on PATH)', async () => {
    const app = await copyApp(join(dir, 'linked'));
    await mkdir(join(dir, 'path-bin'), { recursive: true });
    await symlink(join(app, 'bin', 'stagecraft'), join(dir, 'path-bin', 'stagecraft'));
    await rm(join(app, 'dist', 'bundle', 'stagecraft.cjs'));
    const ran = spawnSync('stagecraft', ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'path-bin')}:${process.env.PATH ?? ''}` } });
    expect(ran.status, ran.stderr).toBe(0);
  });
});

const e2eReason = noBlob ?? (await e2eUnavailable());
describe.skipIf(e2eReason !== undefined)('bin/stagecraft from the snapshot builds and runs', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-launcher-e2e-'));
  }, 1_800_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a two-stage build with RUN and COPY --from, then runs the image, detached too', { timeout: 600_000 }, async () => {
    const ctx = join(dir, 'ctx');
    await mkdir(ctx);
    await writeFile(join(ctx, 'note.txt'), 'from the context\n');
    await writeFile(
      join(ctx, 'Dockerfile'),
      [
        'FROM debian:bookworm-slim AS build',
        'COPY note.txt /src/note.txt',
        'RUN tr a-z A-Z < /src/note.txt > /out.txt',
        'FROM debian:bookworm-slim',
        'COPY --from=build /out.txt /out.txt',
        'CMD ["cat", "/out.txt"]',
        '',
      ].join('\n'),
    );
    const root = ['--root', e2eRoot()];
    const built = launch(repo, [...root, 'build', '--no-cache', '--progress', 'plain', '--iidfile', join(dir, 'iid'), '-t', 'e2e-launcher:1', ctx]);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/RUN tr a-z A-Z/);
    expect(await readFile(join(dir, 'iid'), 'utf8')).toMatch(/^sha256:[0-9a-f]{64}$/);

    const ran = launch(repo, [...root, 'run', '--rm', 'e2e-launcher:1']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toBe('FROM THE CONTEXT\n');

    // run -d starts its supervisor from dist/bundle/run-supervisor.js, found beside the blob
    const detached = launch(repo, [...root, 'run', '-d', 'e2e-launcher:1', 'sleep', '60']);
    expect(detached.code, detached.stderr).toBe(0);
    const id = detached.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{12,64}$/);
    const stopped = launch(repo, [...root, 'rm', '-f', id]);
    expect(stopped.code, stopped.stderr).toBe(0);
  });

  it('trusts NODE_EXTRA_CA_CERTS, which it loads at the first TLS connection instead of at start', { timeout: 600_000 }, async () => {
    const certs = join(dir, 'certs');
    await mkdir(certs);
    const { ca, key, cert } = makeCertificates(certs);
    const server: Server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      if (req.url === '/hello.txt') res.end('hello over TLS\n');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const ctx = join(dir, 'tls-ctx');
      await mkdir(ctx);
      await writeFile(join(ctx, 'Dockerfile'), `FROM scratch\nADD https://127.0.0.1:${port}/hello.txt /hello.txt\n`);
      const base: Record<string, string | undefined> = { ...process.env, NODE_EXTRA_CA_CERTS: undefined, STAGECRAFT_EAGER_CA_CERTS: undefined };
      const build = (name: string, env: Record<string, string | undefined>): Promise<Ran> =>
        launchAsync(repo, ['--root', e2eRoot(), 'build', '--no-cache', '--progress', 'plain', '--output', `type=local,dest=${join(dir, name)}`, ctx], { ...base, ...env });

      // the snapshot, the bundle, the compiled modules, and node loading the file itself
      const trusted = {
        snapshot: { NODE_EXTRA_CA_CERTS: ca },
        bundle: { NODE_EXTRA_CA_CERTS: ca, STAGECRAFT_NO_SNAPSHOT: '1' },
        modules: { NODE_EXTRA_CA_CERTS: ca, STAGECRAFT_NO_SNAPSHOT: '1', STAGECRAFT_NO_BUNDLE: '1' },
        eager: { NODE_EXTRA_CA_CERTS: ca, STAGECRAFT_EAGER_CA_CERTS: '1' },
      };
      for (const [name, env] of Object.entries(trusted)) {
        const built = await build(name, env);
        expect(built.code, `${name}: ${built.stderr}`).toBe(0);
        expect(await readFile(join(dir, name, 'hello.txt'), 'utf8')).toBe('hello over TLS\n');
      }

      const untrusted = await build('untrusted', {});
      expect(untrusted.code).not.toBe(0);
      expect(untrusted.stderr).toMatch(/failed to download https:\/\/127\.0\.0\.1:\d+\/hello\.txt: fetch failed: .*certificate/);

      // a file node cannot read: node's warning, then the bundled roots alone
      const missing = await build('missing', { NODE_EXTRA_CA_CERTS: join(certs, 'absent.pem') });
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain(`Warning: Ignoring extra certs from \`${join(certs, 'absent.pem')}\`, load failed`);
      expect(missing.stderr).toMatch(/certificate/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
