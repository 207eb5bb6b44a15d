// Archives against the tools that read them: stagecraft import/save/load through the CLI code,
// checked by skopeo and umoci (installed by scripts/setup.sh) and, where a dockerd can be started,
// by docker load. Hostile archives are refused with nothing stored and nothing written outside.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineImportCommand } from '../../src/cli/commands/import.js';
import { defineLoadCommand } from '../../src/cli/commands/load.js';
import { defineSaveCommand } from '../../src/cli/commands/save.js';
import { isBuildError } from '../../src/errors/index.js';
import type { BuildError } from '../../src/errors/index.js';
import { makeTar } from '../../src/image/test-fixtures.js';
import type { FixtureEntry } from '../../src/image/test-fixtures.js';
import { openStore } from '../../src/store/index.js';

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}
const haveSkopeo = has('skopeo');
const haveUmoci = has('umoci');
const haveDockerd = has('dockerd');
if (!haveSkopeo) console.warn('archives: skopeo is not installed (scripts/setup.sh installs it): skopeo checks skipped');
if (!haveUmoci) console.warn('archives: umoci is not installed (scripts/setup.sh installs it): umoci checks skipped');
if (!haveDockerd) console.warn('archives: no dockerd on this machine (Debian docker.io is not installed by default): docker load check skipped');

function tool(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${String(result.status)}): ${result.stderr}`);
  return result.stdout;
}

async function run(root: string, args: readonly string[]): Promise<string> {
  const program = new Command('stagecraft').option('--root <dir>').exitOverride();
  defineSaveCommand(program);
  defineLoadCommand(program);
  defineImportCommand(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    await program.parseAsync(['--root', root, ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

async function runError(root: string, args: readonly string[]): Promise<BuildError> {
  try {
    await run(root, args);
  } catch (err) {
    if (isBuildError(err)) return err;
    throw err;
  }
  throw new Error(`expected ${args.join(' ')} to fail`);
}

let dir: string;
let rootfsPath: string;
const rootfsEntries: FixtureEntry[] = [
  { name: './', type: 'directory' },
  { name: './bin/', type: 'directory' },
  { name: './bin/hello', content: '#!/bin/sh\necho hello\n', mode: 0o755 },
  { name: './etc/', type: 'directory' },
  { name: './etc/greeting', content: 'from stagecraft\n' },
  { name: './usr/', type: 'directory' },
  { name: './usr/lib', type: 'symlink', linkname: '../lib' },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecraft-archives-'));
  rootfsPath = join(dir, 'rootfs.tar');
  await writeFile(rootfsPath, await makeTar(rootfsEntries));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('import, save and load through the CLI', () => {
  let root: string;
  let id: string;
  beforeAll(async () => {
    root = join(dir, 'store');
    id = (await run(root, ['import', rootfsPath, 'demo/app:1', '-c', 'CMD ["/bin/hello"]', '-c', 'ENV GREETING=hi', '--platform', 'linux/amd64'])).trim();
  });

  it('import prints the image ID and stores a tagged one-layer image', async () => {
    expect(id).toMatch(/^sha256:[a-f0-9]{64}$/);
    const store = await openStore(root);
    const image = await store.getImage('demo/app:1');
    expect((await image.manifest()).config.digest).toBe(id);
    const config = await image.config();
    expect(config.config).toEqual({ Cmd: ['/bin/hello'], Env: ['GREETING=hi'] });
    expect(config.rootfs.diff_ids).toHaveLength(1);
  });

  it.skipIf(!haveSkopeo)('save --format oci is read by skopeo inspect', async () => {
    const archive = join(dir, 'app-oci.tar');
    expect(await run(root, ['save', '--format', 'oci', '-o', archive, 'demo/app:1'])).toBe('');
    const info = JSON.parse(tool('skopeo', ['inspect', `oci-archive:${archive}`])) as { Architecture: string; Os: string; Layers: string[]; Env: string[] };
    expect(info.Architecture).toBe('amd64');
    expect(info.Os).toBe('linux');
    expect(info.Env).toEqual(['GREETING=hi']);
    expect(info.Layers).toHaveLength(1);
    const store = await openStore(root);
    expect(info.Layers).toEqual((await (await store.getImage('demo/app:1')).manifest()).layers.map((l) => l.digest));
  });

  it.skipIf(!haveSkopeo || !haveUmoci)('skopeo copies the OCI archive and umoci unpacks our files', async () => {
    const archive = join(dir, 'app-oci.tar');
    if (!existsSync(archive)) await run(root, ['save', '--format', 'oci', '-o', archive, 'demo/app:1']);
    const layout = join(dir, 'layout');
    const bundle = join(dir, 'bundle');
    tool('skopeo', ['copy', `oci-archive:${archive}`, `oci:${layout}:latest`]);
    tool('umoci', ['unpack', '--rootless', '--image', `${layout}:latest`, bundle]);
    expect(await readFile(join(bundle, 'rootfs', 'etc', 'greeting'), 'utf8')).toBe('from stagecraft\n');
    expect(await readFile(join(bundle, 'rootfs', 'bin', 'hello'), 'utf8')).toContain('echo hello');
    const runtime = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as { process: { args: string[]; env: string[] } };
    expect(runtime.process.args).toEqual(['/bin/hello']);
    expect(runtime.process.env).toContain('GREETING=hi');
  });

  it.skipIf(!haveSkopeo)('save (docker-archive, the default) is read by skopeo inspect', async () => {
    const archive = join(dir, 'app-docker.tar');
    await run(root, ['save', '-o', archive, 'demo/app:1']);
    const info = JSON.parse(tool('skopeo', ['inspect', `docker-archive:${archive}`])) as { Architecture: string; Layers: string[] };
    expect(info.Architecture).toBe('amd64');
    expect(info.Layers).toHaveLength(1);
    const config = JSON.parse(tool('skopeo', ['inspect', '--config', `docker-archive:${archive}`])) as { config: { Cmd: string[] } };
    expect(config.config.Cmd).toEqual(['/bin/hello']);
  });

  it.each(['docker', 'oci'])('load reads back what save --format %s wrote, into an empty store', async (format) => {
    const archive = join(dir, `roundtrip-${format}.tar`);
    await run(root, ['save', '--format', format, '-o', archive, 'demo/app:1', id]);
    const fresh = join(dir, `fresh-${format}`);
    expect(await run(fresh, ['load', '-i', archive])).toBe('Loaded image: demo/app:1\n');
    const [before, after] = await Promise.all([(await openStore(root)).getImage('demo/app:1'), (await openStore(fresh)).getImage('demo/app:1')]);
    expect((await after.manifest()).config.digest).toBe(id);
    expect((await after.config()).rootfs.diff_ids).toEqual((await before.config()).rootfs.diff_ids);
    if (format === 'oci') expect(await after.digest()).toBe(await before.digest());
  });

  it('load reads a gzip-compressed archive and says so for untagged images', async () => {
    const archive = join(dir, 'by-id.tar');
    await run(root, ['save', '-o', archive, id.slice('sha256:'.length, 'sha256:'.length + 12)]);
    await writeFile(`${archive}.gz`, gzipSync(await readFile(archive)));
    expect(await run(join(dir, 'fresh-gz'), ['load', '-i', `${archive}.gz`])).toBe(`Loaded image ID: ${id}\n`);
  });

  it.skipIf(!haveSkopeo)('load reads archives skopeo wrote (docker-archive and oci-archive)', async () => {
    const source = join(dir, 'app-oci.tar');
    if (!existsSync(source)) await run(root, ['save', '--format', 'oci', '-o', source, 'demo/app:1']);
    const dockerArchive = join(dir, 'by-skopeo-docker.tar');
    const ociArchive = join(dir, 'by-skopeo-oci.tar');
    tool('skopeo', ['copy', `oci-archive:${source}`, `docker-archive:${dockerArchive}:other/name:2`]);
    tool('skopeo', ['copy', `oci-archive:${source}`, `oci-archive:${ociArchive}:v3`]);
    const fresh = join(dir, 'fresh-skopeo');
    expect(await run(fresh, ['load', '-i', dockerArchive])).toBe('Loaded image: other/name:2\n');
    // skopeo puts only the tag in ref.name: no repository, so the image loads by ID (as docker does).
    expect(await run(fresh, ['load', '-q', '-i', ociArchive])).toBe('');
    const store = await openStore(fresh);
    expect((await (await store.getImage('other/name:2')).manifest()).config.digest).toBe(id);
  });

  it.skipIf(!haveDockerd)('docker load accepts the docker-archive', async () => {
    const archive = join(dir, 'for-docker.tar');
    await run(root, ['save', '-o', archive, 'demo/app:1']);
    const docker = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
    const state = join(dir, 'dockerd');
    const socket = `unix://${join(state, 'docker.sock')}`;
    const daemon = spawn('dockerd', ['--bridge=none', '--iptables=false', '--ip-masq=false', '--data-root', join(state, 'data'), '--exec-root', join(state, 'exec'), '--pidfile', join(state, 'pid'), '-H', socket], { stdio: 'ignore' });
    try {
      let up = false;
      for (let i = 0; i < 60 && !up; i++) {
        up = spawnSync(docker, ['-H', socket, 'version'], { stdio: 'ignore' }).status === 0;
        if (!up) await new Promise((r) => setTimeout(r, 500));
      }
      if (!up) throw new Error('dockerd did not start within 30 s');
      expect(tool(docker, ['-H', socket, 'load', '-i', archive])).toContain('Loaded image: demo/app:1');
      const inspected = JSON.parse(tool(docker, ['-H', socket, 'image', 'inspect', 'demo/app:1'])) as Array<{ Id: string; Config: { Cmd: string[] } }>;
      expect(inspected[0]?.Id).toBe(id);
      expect(inspected[0]?.Config.Cmd).toEqual(['/bin/hello']);
      // And the other way: what docker save writes, stagecraft loads, to the same image ID.
      const saved = join(dir, 'saved-by-docker.tar');
      tool(docker, ['-H', socket, 'save', '-o', saved, 'demo/app:1']);
      expect(await run(join(dir, 'fresh-from-docker'), ['load', '-i', saved])).toBe('Loaded image: demo/app:1\n');
      expect((await (await (await openStore(join(dir, 'fresh-from-docker'))).getImage('demo/app:1')).manifest()).config.digest).toBe(id);
      // docker import of the same tarball gives the same layer DiffID.
      const imported = tool(docker, ['-H', socket, 'import', rootfsPath, 'by-docker:1']).trim();
      const layers = JSON.parse(tool(docker, ['-H', socket, 'image', 'inspect', '--format', '{{json .RootFS.Layers}}', imported])) as string[];
      const ours = await (await (await openStore(root)).getImage('demo/app:1')).config();
      expect(layers).toEqual(ours.rootfs.diff_ids);
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
  });
});

describe('hostile and damaged archives', () => {
  async function dockerArchive(layer: Buffer | undefined, options: { manifestLayers?: string[] } = {}): Promise<Buffer> {
    const { sha256Digest } = await import('../../src/oci/index.js');
    const diffId = layer !== undefined ? sha256Digest(layer) : sha256Digest('missing');
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] }, config: {} });
    const configName = `${sha256Digest(config).slice(7)}.json`;
    const layers = options.manifestLayers ?? ['l/layer.tar'];
    const entries: FixtureEntry[] = [
      { name: configName, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: configName, RepoTags: ['evil:1'], Layers: layers }]) },
    ];
    if (layer !== undefined) entries.push({ name: 'l/', type: 'directory' }, { name: 'l/layer.tar', content: layer });
    return makeTar(entries);
  }

  const sentinel = (): string => join(dir, 'etc', 'x');
  const cases: Array<[string, () => Promise<Buffer>, string, RegExp]> = [
    ['a layer entry ../../etc/x', async () => dockerArchive(await makeTar([{ name: '../../etc/x', content: 'owned' }])), 'INVALID_ARCHIVE', /"\.\.\/\.\.\/etc\/x" escapes the root/],
    ['a layer entry with an absolute path', async () => dockerArchive(await makeTar([{ name: '/etc/x', content: 'owned' }])), 'INVALID_ARCHIVE', /absolute path/],
    [
      'a symlink pointing out, then a file written through it',
      async () => dockerArchive(await makeTar([{ name: 'etc', type: 'symlink', linkname: '/etc' }, { name: 'etc/x', content: 'owned' }])),
      'INVALID_ARCHIVE',
      /written through the symlink "etc"/,
    ],
    ['a truncated archive', async () => (await dockerArchive(await makeTar([{ name: 'f', content: 'x'.repeat(3000) }]))).subarray(0, 3000), 'INVALID_ARCHIVE', /truncated/],
    ['manifest.json naming a missing layer', async () => dockerArchive(undefined, { manifestLayers: ['nope/layer.tar'] }), 'INVALID_ARCHIVE', /"nope\/layer.tar", which the archive does not contain/],
    ['an OCI index.json naming a missing manifest', async () => makeTar([
      { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
      { name: 'index.json', content: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:' + 'a'.repeat(64), size: 10 }] }) },
    ]), 'INVALID_ARCHIVE', /index.json names "blobs\/sha256\/a{64}", which the archive does not contain/],
    ['manifest.json naming a path outside', async () => dockerArchive(undefined, { manifestLayers: ['../../etc/passwd'] }), 'INVALID_ARCHIVE', /escapes the root/],
    ['a layer whose bytes are not its DiffID', async () => {
      const good = await makeTar([{ name: 'f', content: 'x' }]);
      const tar = await dockerArchive(good);
      const at = tar.indexOf(good);
      good.copy(tar, at);
      tar[at + 512] = 0x79; // the file's content byte: same size, other digest
      return tar;
    }, 'INVALID_IMAGE', /content digest is sha256:[a-f0-9]{64}, the manifest says .*and 1 more problem/],
  ];

  it.each(cases)('load refuses %s: clear error, nothing stored, nothing written outside', async (_name, make, code, message) => {
    const archive = join(dir, 'hostile.tar');
    await writeFile(archive, await make());
    const root = join(dir, `hostile-store-${Math.random().toString(36).slice(2)}`);
    const err = await runError(root, ['load', '-i', archive]);
    expect(err.code).toBe(code);
    expect(err.message, err.message).toMatch(message);
    expect(err.message).toContain(archive);
    expect(existsSync(sentinel())).toBe(false);
    if (existsSync(root)) {
      const store = await openStore(root);
      expect(await store.listRefs()).toEqual([]);
      expect(await store.listImages()).toEqual([]);
    }
  });

  it('import refuses a hostile root filesystem and stores nothing', async () => {
    const tarball = join(dir, 'hostile-rootfs.tar');
    await writeFile(tarball, await makeTar([{ name: 'ok', content: 'fine' }, { name: '../../etc/x', content: 'owned' }]));
    const root = join(dir, 'hostile-import');
    const err = await runError(root, ['import', tarball, 'evil:1']);
    expect(err.code).toBe('INVALID_ARCHIVE');
    expect(err.message).toContain(tarball);
    expect(existsSync(root) ? await (await openStore(root)).listRefs() : []).toEqual([]);
  });

  it('usage errors are USAGE', async () => {
    const root = join(dir, 'usage');
    expect((await runError(root, ['save', '--format', 'zip', '-o', join(dir, 'x.tar'), 'a'])).code).toBe('USAGE');
    expect((await runError(root, ['import', rootfsPath, '--platform', 'linux'])).code).toBe('USAGE');
    expect((await runError(root, ['load', '-i', join(dir, 'does-not-exist.tar')])).code).toBe('INVALID_ARCHIVE');
    expect(await readdir(dir)).not.toContain('x.tar');
  });
});
