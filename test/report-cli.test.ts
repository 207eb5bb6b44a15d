import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineCompareCommand } from '../src/cli/commands/compare.js';
import { defineDuCommand } from '../src/cli/commands/du.js';
import { defineReportCommand } from '../src/cli/commands/report.js';
import { appendLayers } from '../src/image/index.js';
import { bufferLayer, makeTar } from '../src/image/test-fixtures.js';
import { MediaType } from '../src/oci/index.js';
import type { DuReport, CompareReport, Advice } from '../src/report/index.js';
import { file, syntheticImage, text, whiteout } from '../src/report/testing/synthetic-image.js';
import { openStore } from '../src/store/index.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-report-cli-'));
  const store = await openStore(root);
  const debian = await syntheticImage([{ createdBy: 'debootstrap', entries: [file('usr/bin/sh', 150_000), file('etc/passwd', 900)] }]);
  const layer = async (entries: Parameters<typeof makeTar>[0]): Promise<ReturnType<typeof bufferLayer>> => bufferLayer(await makeTar(entries), MediaType.ociLayer);
  const node = appendLayers(debian, [await layer([file('usr/bin/node', 800_000), file('usr/share/nodejs/npm/cli.js', 300_000)])], { history: [{ created_by: 'apt-get install nodejs npm' }] });
  const slim = appendLayers(debian, [await layer([file('usr/bin/node', 800_000)])], { history: [{ created_by: 'apt-get install nodejs' }] });
  const app = appendLayers(
    node,
    [
      await layer([text('app/package.json', JSON.stringify({ dependencies: { a: '1' }, devDependencies: { typescript: '5' } })), file('app/node_modules/a/index.js', 20_000), file('app/node_modules/typescript/tsc.js', 400_000), file('root/.npm/_cacache/x', 200_000), file('tmp/big', 300_000)]),
      await layer([whiteout('tmp/big')]),
    ],
    { history: [{ created_by: '/bin/sh -c npm install' }, { created_by: '/bin/sh -c rm /tmp/big' }] },
  );
  await store.putImage(debian, { tags: ['debian:bookworm-slim'] });
  await store.putImage(node, { tags: ['node:18'] });
  await store.putImage(slim, { tags: ['node:18-slim'] });
  await store.putImage(app, { tags: ['app:1'] });
  await writeFile(join(root, 'Dockerfile'), 'FROM node:18\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN rm /tmp/big\n');
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs `stagecraft --root ROOT ...args` in-process; returns what it printed and what it threw. */
async function run(...args: string[]): Promise<{ out: string; error: unknown }> {
  const program = new Command('stagecraft').option('--root <dir>').exitOverride();
  for (const define of [defineDuCommand, defineCompareCommand, defineReportCommand]) define(program);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  let error: unknown;
  try {
    await program.parseAsync(['--root', root, ...args], { from: 'user' });
  } catch (err) {
    error = err;
  } finally {
    vi.restoreAllMocks();
  }
  return { out, error };
}

describe('stagecraft du', () => {
  it('prints sizes by path with layers, wasted bytes and efficiency', async () => {
    const { out, error } = await run('du', 'app:1', '--depth', '1');
    expect(error).toBeUndefined();
    expect(out).toContain('app:1: 1.87 MB in 4 layers (2.17 MB written, 300 kB of it wasted), efficiency');
    expect(out).toMatch(/1\.25 MB\s+3\s+1 \(88%\)\s+\/usr\//);
    expect(out).toMatch(/420 kB\s+3\s+2\s+\/app\//);
    expect(out).toMatch(/300 kB\s+1\s+2\s+3\s+whiteout\s+\/tmp\/big/);
  });

  it('starts at a path and prints JSON with advice', async () => {
    const { out, error } = await run('du', 'app:1', '/app', '--format', 'json', '--advice');
    expect(error).toBeUndefined();
    const json = JSON.parse(out) as DuReport & { image: string; advice: Advice[] };
    expect(json.image).toBe('app:1');
    expect(json.path).toBe('/app');
    expect(json.bytes).toBe(420_000 + Buffer.byteLength(JSON.stringify({ dependencies: { a: '1' }, devDependencies: { typescript: '5' } })));
    expect(json.rows[1]).toMatchObject({ path: '/app/node_modules', bytes: 420_000, layer: 2 });
    expect(json.advice.map((a) => [a.kind, a.path, a.bytes])).toEqual([
      ['dev-dependencies', '/app/node_modules', 400_000],
      ['deleted-later', '/tmp/big', 300_000],
      ['slim-base', '/', 300_000],
      ['package-cache', '/root/.npm', 200_000],
    ]);
  });

  it('uses the Dockerfile given with -f for advice', async () => {
    const { out, error } = await run('du', 'app:1', '-f', join(root, 'Dockerfile'));
    expect(error).toBeUndefined();
    expect(out).toContain('Advice for app:1');
    expect(out).toContain('Dockerfile line 4');
    expect(out).toContain('fix:   use `FROM node:18-slim`');
  });

  it.each([
    [['du', 'app:1', '--depth', 'deep'], 'USAGE'],
    [['du', 'app:1', '--format', 'yaml'], 'USAGE'],
    [['du', 'app:1', '/nope'], 'USAGE'],
    [['du', 'missing:1'], 'IMAGE_NOT_FOUND'],
    [['du', 'app:1', '-f', '/nonexistent/Dockerfile'], 'DOCKERFILE_NOT_FOUND'],
  ])('%j fails with %s', async (args, code) => {
    const { error } = await run(...args);
    expect(error).toMatchObject({ code });
  });
});

describe('stagecraft compare', () => {
  it('prints two images side by side', async () => {
    const { out, error } = await run('compare', 'node:18', 'node:18-slim');
    expect(error).toBeUndefined();
    expect(out).toMatch(/total size\s+1\.25 MB\s+951 kB\s+\+300 kB/);
    expect(out).toMatch(/0\s+shared\s+151 kB\s+debootstrap/);
    expect(out).toMatch(/300 kB\s+-\s+\/usr\/share/);
  });

  it('prints JSON, with advice for both images on request', async () => {
    const { out, error } = await run('compare', 'app:1', 'node:18-slim', '--format', 'json', '--advice', '--top', '2');
    expect(error).toBeUndefined();
    const json = JSON.parse(out) as CompareReport & { advice: { a: Advice[]; b: Advice[] } };
    expect(json.layers.map((l) => l.shared)).toEqual([true, false, false, false]);
    expect(json.paths.onlyInA.map((p) => p.path)).toEqual(['/app', '/usr/share']);
    expect(json.advice.a.map((a) => a.kind)).toContain('dev-dependencies');
    expect(json.advice.b).toEqual([]);
  });
});

describe('stagecraft report', () => {
  it('writes one HTML page for two images', async () => {
    const output = join(root, 'out.html');
    const { out, error } = await run('report', 'node:18', 'node:18-slim', '-o', output);
    expect(error).toBeUndefined();
    expect(out).toMatch(/^wrote .*out\.html \(\d+(\.\d+)? kB\): node:18 1\.25 MB, node:18-slim 951 kB\n$/);
    const html = await readFile(output, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('"compare":{');
    expect(html).toContain('"name":"node:18-slim"');
  });

  it('refuses a bad --max-nodes', async () => {
    const { error } = await run('report', 'node:18', '--max-nodes', '-3');
    expect(error).toMatchObject({ code: 'USAGE' });
  });
});
