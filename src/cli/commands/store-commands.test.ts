import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isBuildError } from '../../errors/index.js';
import { openStore } from '../../store/index.js';
import type { Store } from '../../store/index.js';
import { makeTar, memoryImage, memoryLayer } from '../../store/testing/memory-image.js';
import type { MemoryImage } from '../../store/testing/memory-image.js';
import { defineHistoryCommand } from './history.js';
import { defineImagesCommand, humanSize } from './images.js';
import { defineInspectCommand } from './inspect.js';
import { definePruneCommand } from './prune.js';
import { defineRmiCommand } from './rmi.js';
import { defineTagCommand } from './tag.js';
import { defineVerifyCommand } from './verify.js';

let root: string;
let store: Store;
let node: MemoryImage;
let dangling: MemoryImage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-cli-store-'));
  store = await openStore(root);
  const base = memoryLayer(await makeTar({ 'base.txt': 'x'.repeat(5000) }));
  node = await memoryImage([base, memoryLayer(await makeTar({ 'app.js': 'y' }), { compress: false })], { created: '2020-01-01T00:00:00Z' });
  dangling = await memoryImage([base], { created: '2019-01-01T00:00:00Z', label: 'dangling' });
  await store.putImage(node, { tags: ['node:18', 'localhost:5000/team/app:v1', `node@${node.manifestDigest}`] });
  await store.putImage(dangling);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

/** Runs `stagecraft --root ROOT ...args` in-process; returns what it printed and what it threw. */
async function run(...args: string[]): Promise<{ out: string; error: unknown }> {
  const program = new Command('stagecraft').option('--root <dir>').exitOverride();
  for (const define of [defineImagesCommand, defineInspectCommand, defineHistoryCommand, defineTagCommand, defineRmiCommand, definePruneCommand, defineVerifyCommand]) {
    define(program);
  }
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

const short = (d: string): string => d.slice(7, 19);

describe('images', () => {
  it('prints docker-like columns, one row per tag, untagged as <none>', async () => {
    const { out, error } = await run('images');
    expect(error).toBeUndefined();
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REPOSITORY\s{3,}TAG\s{3,}IMAGE ID\s{3,}CREATED\s{3,}SIZE$/);
    const rows = lines.slice(1).map((l) => l.split(/\s{3,}/));
    const size = `${((node.manifestBytes.length + node.configBytes.length + node.memoryLayers.reduce((n, l) => n + l.bytes.length, 0)) / 1000).toPrecision(3)}kB`;
    expect(rows).toEqual([
      ['localhost:5000/team/app', 'v1', short(node.configDigest), expect.stringMatching(/years ago$/), size],
      ['node', '18', short(node.configDigest), expect.stringMatching(/years ago$/), size],
      ['<none>', '<none>', short(dangling.configDigest), expect.stringMatching(/years ago$/), expect.stringMatching(/B$/)],
    ]);
  });

  it('filters by repository, prints IDs with -q and JSON lines with --format json', async () => {
    expect((await run('images', 'node')).out.trimEnd().split('\n')).toHaveLength(2);
    expect((await run('images', '-q')).out).toBe(`${short(node.configDigest)}\n${short(node.configDigest)}\n${short(dangling.configDigest)}\n`);
    expect((await run('images', '-q', '--no-trunc', 'node:18')).out).toBe(`${node.configDigest}\n`);
    const json = (await run('images', '--format', 'json')).out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(json.map((j) => [j['Repository'], j['Tag'], j['Digest']])).toEqual([
      ['localhost:5000/team/app', 'v1', node.manifestDigest],
      ['node', '18', node.manifestDigest],
      ['<none>', '<none>', dangling.manifestDigest],
    ]);
    expect(isBuildError((await run('images', '--format', 'yaml')).error)).toBe(true);
  });
});

describe('inspect', () => {
  it('prints docker image inspect JSON with the manifest digest', async () => {
    const { out, error } = await run('inspect', 'node:18');
    expect(error).toBeUndefined();
    const [info] = JSON.parse(out) as Record<string, unknown>[];
    expect(info).toMatchObject({
      Id: node.configDigest,
      RepoTags: ['localhost:5000/team/app:v1', 'node:18'],
      RepoDigests: [`node@${node.manifestDigest}`],
      Created: '2020-01-01T00:00:00Z',
      Architecture: 'amd64',
      Os: 'linux',
      RootFS: { Type: 'layers', Layers: await Promise.all(node.memoryLayers.map((l) => l.diffId())) },
      Descriptor: { digest: node.manifestDigest, size: node.manifestBytes.length },
      Config: { Cmd: ['sh'] },
    });
  });

  it('prints what it found and fails for what it did not', async () => {
    const { out, error } = await run('inspect', 'node:18', 'nope:1');
    expect((JSON.parse(out) as unknown[]).length).toBe(1);
    expect(isBuildError(error) && error.code).toBe('IMAGE_NOT_FOUND');
  });
});

describe('history', () => {
  it('lists steps newest first with their layer sizes', async () => {
    const { out } = await run('history', 'node:18');
    const rows = out.trimEnd().split('\n').map((l) => l.split(/\s{3,}/));
    expect(rows[0]).toEqual(['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT']);
    expect(rows.slice(1)).toEqual([
      [short(node.configDigest), expect.stringMatching(/ago$/), 'step 2', humanSize(node.memoryLayers[1]!.bytes.length)],
      ['<missing>', expect.stringMatching(/ago$/), 'step 1', humanSize(node.memoryLayers[0]!.bytes.length)],
    ]);
    const json = (await run('history', '--format', 'json', 'node:18')).out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(json.map((j) => j['CreatedBy'])).toEqual(['step 2', 'step 1']);
  });
});

describe('tag, rmi, prune, verify', () => {
  it('tags, untags, deletes and prunes like docker', async () => {
    expect((await run('tag', 'node:18', 'mine')).error).toBeUndefined();
    expect(await store.resolveRef('mine:latest')).toBe(node.manifestDigest);
    expect((await run('rmi', 'mine')).out).toBe('Untagged: mine:latest\n');
    const byId = await run('rmi', short(node.configDigest));
    expect(isBuildError(byId.error) && byId.error.code).toBe('IMAGE_IN_USE');
    const forced = await run('rmi', '-f', short(node.configDigest), 'nope:1');
    expect(forced.out.split('\n').filter((l) => l.startsWith('Untagged: ')).sort()).toEqual([
      'Untagged: localhost:5000/team/app:v1',
      'Untagged: node:18',
      `Untagged: node@${node.manifestDigest}`,
    ]);
    expect(forced.out).toContain(`Deleted: ${node.configDigest}\n`);
    expect(isBuildError(forced.error) && forced.error.code).toBe('IMAGE_NOT_FOUND');
    const pruned = await run('prune');
    expect(pruned.out).toContain(`deleted: ${dangling.manifestDigest}`);
    expect(pruned.out).toMatch(/Removed 3 blobs\nTotal reclaimed space: \d/);
    expect((await run('images', '-q')).out).toBe('');
  });

  it('verify reports a corrupt blob, fails, and repairs it with --repair', async () => {
    expect((await run('verify')).out).toMatch(/^Checked 6 blobs .*\nNo problems found\n$/);
    const victim = node.memoryLayers[1]!.descriptor.digest;
    await writeFile(store.blobPath(victim), 'rot');
    const found = await run('verify');
    expect(found.out).toContain(`corrupt: ${victim}`);
    expect(found.out).toContain(`broken image: localhost:5000/team/app:v1, node:18, node@${node.manifestDigest}: missing or corrupt ${victim}`);
    expect(isBuildError(found.error) && found.error.code).toBe('STORE_CORRUPT');
    const repaired = await run('verify', '--repair');
    expect(repaired.out).toContain(`removed: ${victim}`);
    expect(await store.hasBlob(victim)).toBe(false);
    // the blob is gone, the image still needs it: still an error until it is pulled or built again
    expect(isBuildError(repaired.error) && repaired.error.hint).toMatch(/pull or build/);
  });
});
