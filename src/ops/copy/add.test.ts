import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { pack } from 'tar-stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BuildError } from '../../errors/index.js';
import { applyCopy } from './apply-copy.js';
import type { CopyOp } from './apply-copy.js';
import { detectArchive } from './detect-archive.js';
import { describeTree, tempDir, writeTree } from './testing/tree.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

async function hasProgram(name: string): Promise<boolean> {
  try {
    await run(name, ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** Writes a tar made with tar-stream (full control over names, types and owners). */
async function writeTar(path: string, entries: readonly { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; body?: string; linkname?: string; mode?: number; uid?: number; gid?: number; mtime?: Date }[]): Promise<void> {
  const tar = pack();
  const done = pipeline(tar, createWriteStream(path));
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header = { name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: e.uid ?? 0, gid: e.gid ?? 0, mtime: e.mtime ?? new Date(1_000_000_000_000), ...(e.linkname !== undefined ? { linkname: e.linkname } : {}) };
    if (type === 'file') tar.entry(header, e.body ?? '');
    else tar.entry(header);
  }
  tar.finalize();
  await done;
}

const ARCHIVE = [
  { name: 'top/', type: 'directory' as const, mode: 0o750 },
  { name: 'top/file.txt', body: 'payload', mode: 0o640, uid: 1234, gid: 4321 },
  { name: 'top/link', type: 'symlink' as const, linkname: 'file.txt' },
  { name: 'top/hard', type: 'link' as const, linkname: 'top/file.txt', mode: 0o640, uid: 1234, gid: 4321 },
  { name: 'exec.sh', body: '#!/bin/sh\n', mode: 0o755 },
];
const EXTRACTED = (p: string): string[] => [
  `${p}exec.sh 0755 "#!/bin/sh\\n"`,
  `${p}top/ 0750`,
  `${p}top/file.txt 0640 "payload"`,
  `${p}top/hard 0640 "payload" =${p}top/file.txt`,
  `${p}top/link -> file.txt`,
];

describe('ADD', () => {
  let context: string;
  let destRoot: string;
  let cleanup: (() => Promise<void>)[] = [];
  const add = (op: Partial<CopyOp> & Pick<CopyOp, 'sources' | 'destination'>): ReturnType<typeof applyCopy> =>
    applyCopy({ kind: 'add', destRoot, from: { root: context, kind: 'context' }, ...op });

  beforeEach(async () => {
    const ctx = await tempDir();
    const dst = await tempDir();
    context = ctx.path;
    destRoot = dst.path;
    cleanup = [ctx.remove, dst.remove];
    await writeTar(join(context, 'a.tar'), ARCHIVE);
  });
  afterEach(async () => {
    for (const remove of cleanup) await remove();
  });

  const COMPRESSIONS: readonly (readonly [string, string, readonly string[]])[] = [
    ['plain tar', 'a.tar', []],
    ['gzip', 'a.tar.gz', ['gzip', '-c']],
    ['bzip2', 'a.tar.bz2', ['bzip2', '-c']],
    ['xz', 'a.tar.xz', ['xz', '-c']],
    ['zstd', 'a.tar.zst', ['zstd', '-q', '-c']],
  ];
  for (const [label, name, compress] of COMPRESSIONS) {
    it(`unpacks a ${label} archive into the destination`, async (test) => {
      if (compress.length > 0) {
        const [program, ...args] = compress as [string, ...string[]];
        if (!(await hasProgram(program))) test.skip(`${program} is not installed`);
        const { stdout } = await run('sh', ['-c', `${program} ${args.join(' ')} a.tar | base64 -w0`], { cwd: context, maxBuffer: 1 << 24 });
        await writeFile(join(context, name), Buffer.from(stdout, 'base64'));
      }
      expect(await detectArchive(join(context, name))).toBeDefined();
      const result = await add({ sources: [name], destination: '/opt/x' });
      expect(await describeTree(destRoot)).toEqual(['opt/ 0755', 'opt/x/ 0755', ...EXTRACTED('opt/x/')]);
      expect(result.filesCopied).toBe(4);
      expect((await lstat(join(destRoot, 'opt/x/top/file.txt'))).mtimeMs).toBe(1_000_000_000_000);
      if (isRoot) {
        const st = await lstat(join(destRoot, 'opt/x/top/file.txt'));
        expect([st.uid, st.gid]).toEqual([1234, 4321]);
      }
    });
  }

  it('merges an archive into an existing tree, replacing what is in the way', async () => {
    await writeTree(destRoot, { 'd/top/file.txt': { dir: true }, 'd/exec.sh': { symlink: '/etc/passwd' }, 'd/keep': 'k' });
    await add({ sources: ['a.tar'], destination: '/d/' });
    expect(await describeTree(destRoot)).toEqual(['d/ 0755', ...EXTRACTED('d/').slice(0, 1), 'd/keep 0644 "k"', ...EXTRACTED('d/').slice(1)]);
  });

  it('--unpack=false copies the archive as a file; COPY never unpacks', async () => {
    await add({ sources: ['a.tar'], destination: '/d/', unpack: false });
    await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['a.tar'], destination: '/c/' });
    expect((await readdir(join(destRoot, 'd'))).sort()).toEqual(['a.tar']);
    expect((await readdir(join(destRoot, 'c'))).sort()).toEqual(['a.tar']);
  });

  it('a file that only looks like an archive by name is copied', async () => {
    await writeFile(join(context, 'fake.tar.gz'), 'not an archive');
    await writeFile(join(context, 'empty.tar'), '');
    await add({ sources: ['fake.tar.gz', 'empty.tar'], destination: '/d/' });
    expect(await describeTree(destRoot)).toEqual(['d/ 0755', 'd/empty.tar 0644 ""', 'd/fake.tar.gz 0644 "not an archive"']);
  });

  it('a hostile archive writes nothing outside its destination', async () => {
    const outside = await tempDir();
    cleanup.push(outside.remove);
    await writeTar(join(context, 'evil.tar'), [
      { name: '../../../../escape1', body: 'x' },
      { name: '/abs/escape2', body: 'x' },
      { name: 'up', type: 'symlink', linkname: '../../../../../..' },
      { name: 'up/escape3', body: 'x' },
      { name: 'out', type: 'symlink', linkname: outside.path },
      { name: 'out/escape4', body: 'x' },
      { name: 'hl', type: 'link', linkname: '../../../../etc/hostname' },
    ]);
    const error = await add({ sources: ['evil.tar'], destination: '/d/' }).catch((e: unknown) => e);
    // the hardlink names a file that does not exist inside the destination: that entry fails
    expect(error).toBeInstanceOf(BuildError);
    expect(await readdir(outside.path)).toEqual([]);
    const tree = await describeTree(destRoot);
    for (const line of ['d/abs/escape2 0644 "x"', 'd/escape1 0644 "x"', 'd/escape3 0644 "x"', `d/out -> ${outside.path}`, 'd/up -> ../../../../../..']) {
      expect(tree).toContain(line);
    }
    expect((error as BuildError).code).toBe('COPY_FAILED');
    expect((error as BuildError).message).toContain('"hl"');
    expect(await readFile(join(destRoot, 'd', outside.path, 'escape4'), 'utf8')).toBe('x');
  });

  it.runIf(isRoot)('--chown gives every unpacked entry the owner', async () => {
    await add({ sources: ['a.tar'], destination: '/d', chown: '7:8' });
    for (const path of ['d', 'd/top', 'd/top/file.txt', 'd/top/link', 'd/exec.sh']) {
      const st = await lstat(join(destRoot, path));
      expect([path, st.uid, st.gid]).toEqual([path, 7, 8]);
    }
  });

  describe('from a URL', () => {
    let server: Server;
    let base: string;
    const requests: string[] = [];
    const FILE = 'downloaded content';
    const LAST_MODIFIED = 'Wed, 21 Oct 2015 07:28:00 GMT';
    const sha = (text: string | Buffer): string => 'sha256:' + createHash('sha256').update(text).digest('hex');
    let tarBytes: Buffer;

    beforeAll(async () => {
      const scratch = await tempDir();
      await writeTar(join(scratch.path, 'x.tar'), ARCHIVE);
      tarBytes = await readFile(join(scratch.path, 'x.tar'));
      await scratch.remove();
      server = createServer((req, res) => {
        requests.push(req.url ?? '');
        if (req.url === '/files/data.bin') {
          res.writeHead(200, { 'Last-Modified': LAST_MODIFIED, 'Content-Disposition': 'attachment; filename="other.bin"' });
          res.end(FILE);
        } else if (req.url === '/files/bundle.tar') {
          res.writeHead(200);
          res.end(tarBytes);
        } else if (req.url === '/') {
          res.writeHead(200);
          res.end('index');
        } else {
          res.writeHead(404);
          res.end('no');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    });

    it('downloads into a directory under the URL name, mode 0600, mtime from Last-Modified', async () => {
      const result = await add({ sources: [`${base}/files/data.bin`], destination: '/dl/' });
      expect(await describeTree(destRoot)).toEqual(['dl/ 0755', `dl/data.bin 0600 ${JSON.stringify(FILE)}`]);
      expect((await lstat(join(destRoot, 'dl/data.bin'))).mtimeMs).toBe(Date.parse(LAST_MODIFIED));
      expect(result).toEqual({ filesCopied: 1, bytes: FILE.length, warnings: [] });
    });

    it('a destination without a slash is the file name; --chmod applies', async () => {
      await add({ sources: [`${base}/files/data.bin`], destination: '/opt/tool', chmod: '0755' });
      expect(await describeTree(destRoot)).toEqual(['opt/ 0755', `opt/tool 0755 ${JSON.stringify(FILE)}`]);
    });

    it('a URL without a path gets BuildKit`s name __unnamed__; without Last-Modified the mtime is the epoch', async () => {
      await add({ sources: [`${base}/`], destination: '/u/' });
      expect(await describeTree(destRoot)).toEqual(['u/ 0755', 'u/__unnamed__ 0600 "index"']);
      expect((await lstat(join(destRoot, 'u/__unnamed__'))).mtimeMs).toBe(0);
    });

    it('--checksum that matches', async () => {
      await add({ sources: [`${base}/files/data.bin`], destination: '/c/', checksum: sha(FILE) });
      expect(await readFile(join(destRoot, 'c/data.bin'), 'utf8')).toBe(FILE);
    });

    it('--checksum that does not match fails and writes nothing', async () => {
      const wrong = sha('something else');
      const error = await add({ sources: [`${base}/files/data.bin`], destination: '/c/', checksum: wrong }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuildError);
      expect((error as BuildError).code).toBe('CHECKSUM_MISMATCH');
      expect((error as BuildError).message).toBe(`digest mismatch for ${base}/files/data.bin: ${sha(FILE)} (expected: ${wrong})`);
      expect(await readdir(destRoot)).toEqual([]);
    });

    it('a 404 is DOWNLOAD_FAILED', async () => {
      const error = await add({ sources: [`${base}/missing`], destination: '/c/' }).catch((e: unknown) => e);
      expect((error as BuildError).code).toBe('DOWNLOAD_FAILED');
      expect((error as BuildError).message).toBe(`failed to download ${base}/missing: invalid response status 404`);
    });

    it('a remote archive is copied as is, and unpacked with --unpack', async () => {
      await add({ sources: [`${base}/files/bundle.tar`], destination: '/plain/' });
      await add({ sources: [`${base}/files/bundle.tar`], destination: '/unpacked', unpack: true });
      const tree = await describeTree(destRoot);
      expect(tree.filter((l) => l.startsWith('plain/'))).toEqual(['plain/ 0755', `plain/bundle.tar 0600 ${JSON.stringify(tarBytes.toString('utf8'))}`]);
      expect(tree.filter((l) => l.startsWith('unpacked/'))).toEqual(['unpacked/ 0755', ...EXTRACTED('unpacked/')]);
    });

    const INVALID: readonly (readonly [string, Partial<CopyOp> & Pick<CopyOp, 'sources' | 'destination'>, string])[] = [
      ['checksum with a local source', { sources: ['a.tar'], destination: '/x', checksum: sha('x') }, 'checksum requires HTTP(S) or Git sources'],
      ['checksum with several sources', { sources: ['a.tar', 'http://127.0.0.1:1/x'], destination: '/x/', checksum: sha('x') }, "checksum can't be specified for multiple sources"],
      ['checksum on COPY', { kind: 'copy', sources: ['http://127.0.0.1:1/x'], destination: '/x', checksum: sha('x') }, "source can't be a URL for COPY"],
      ['a checksum that is not sha256', { sources: ['http://127.0.0.1:1/x'], destination: '/x', checksum: 'md5:abc' }, 'unsupported checksum "md5:abc": ADD checks the SHA-256 of a download'],
      ['a git URL with an unknown option', { sources: ['http://127.0.0.1:1/r.git?bogus=1'], destination: '/x' }, 'http://127.0.0.1:1/r.git?bogus=1: unexpected query "bogus"'],
    ];
    for (const [name, op, message] of INVALID) {
      it(`rejects ${name}`, async () => {
        const error = await add(op).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BuildError);
        expect((error as BuildError).code).toBe('INVALID_COPY_OPTION');
        expect((error as BuildError).message).toBe(message);
      });
    }

    it('sent requests only to the local server', () => {
      expect(requests.length).toBeGreaterThan(0);
    });
  });
});
