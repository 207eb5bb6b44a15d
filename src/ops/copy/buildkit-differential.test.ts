/**
 * Differential test: the same COPY/ADD instructions built by BuildKit (dockerd's, when one runs on
 * this machine) and applied by applyCopy must give the same files: paths, types, modes, owners,
 * contents, symlink targets, hardlinks and file times. Skipped, saying why, without a dockerd.
 *
 * BuildKit 0.8 (Debian's dockerd 20.10) is older than the semantics we follow where they changed:
 * the cases avoid those (parent directories created by an octal --chmod, directory times).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatternMatcher } from '../../context/index.js';
import { applyCopy } from './apply-copy.js';
import type { CopyOp } from './apply-copy.js';
import type { TreeSpec } from './testing/tree.js';
import { describeTree, tempDir, writeTree } from './testing/tree.js';

const run = promisify(execFile);
const DOCKER = '/usr/bin/docker';
const T = 981_173_106; // 2001-02-03 04:05:06

async function dockerAvailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root';
  if (!existsSync(DOCKER) || !existsSync('/var/run/docker.sock')) return 'no dockerd (start one: dockerd --bridge=none --iptables=false --ip-masq=false)';
  try {
    await run(DOCKER, ['version', '--format', '{{.Server.Version}}'], { timeout: 10_000 });
    return undefined;
  } catch (error) {
    return `dockerd does not answer: ${(error as Error).message}`;
  }
}

const CONTEXT: TreeSpec = {
  'a.txt': { file: 'a', mode: 0o644, mtime: T },
  'b.txt': { file: 'bb', mode: 0o600, mtime: T + 1 },
  'ignored.txt': 'never copied',
  'dir/f': { file: 'f', mode: 0o755, mtime: T + 2 },
  'dir/sub/s': { file: 's', mode: 0o640, mtime: T + 3 },
  'dir/sub/debug.log': 'ignored too',
  'dir/sub': { dir: true, mode: 0o700 },
  'dir/rel': { symlink: 'f' },
  'dir/abs': { symlink: '/etc/passwd' },
  linkdir: { symlink: 'dir' },
  linka: { symlink: 'a.txt' },
  'hl/one': { file: 'same', mtime: T + 4 },
  'hl/two': { hardlink: 'hl/one' },
  'fake.tar.gz': { file: 'not a tar', mtime: T + 5 },
  'img/var/run': { symlink: '/run' },
  'img/run/keep': { file: 'k', mtime: T + 6 },
  'img/opt/target': { file: 'old', mtime: T + 7 },
  'img/opt/link': { symlink: '/opt/target' },
  'empty/.keep': { file: '', mtime: T + 8 },
};
const IGNORE = ['ignored.txt', '**/*.log', 'Dockerfile', '.dockerignore'];

/** One instruction: the Dockerfile line and the same operation for applyCopy (destRoot and from filled in). */
interface Step {
  readonly line: string;
  readonly op: Omit<CopyOp, 'destRoot' | 'from'>;
}

const copy = (sources: string[], destination: string, extra: Partial<CopyOp> = {}, flags = ''): Step => ({
  line: `COPY ${flags}${[...sources, destination].join(' ')}`,
  op: { kind: 'copy', sources, destination, ...extra },
});
const add = (sources: string[], destination: string, extra: Partial<CopyOp> = {}, flags = ''): Step => ({
  line: `ADD ${flags}${[...sources, destination].join(' ')}`,
  op: { kind: 'add', sources, destination, ...extra },
});

function steps(url: string): Step[] {
  return [
    copy(['img/'], '/'),
    copy(['a.txt'], '/c1'),
    copy(['a.txt'], '/c2/'),
    copy(['dir'], '/c3'),
    copy(['dir/'], '/c4/sub/'),
    copy(['*.txt'], '/c5/'),
    copy(['a*.txt'], '/c6'),
    copy(['linkdir'], '/c7/'),
    copy(['linka'], '/c8/'),
    copy(['hl'], '/c9'),
    copy(['../a.txt'], '/c10/'),
    copy(['.'], '/c11/'),
    copy(['a.txt', 'dir'], '/c12/', { chown: '1234:5678' }, '--chown=1234:5678 '),
    copy(['empty'], '/c13/'),
    copy(['a.txt', 'dir'], '/c13/', { chmod: '0640' }, '--chmod=0640 '),
    copy(['*.txt'], '/c14'),
    copy(['dir', 'a.txt'], '/c15'),
    copy(['a.txt'], '/var/run/x'),
    copy(['b.txt'], '/opt/link'),
    copy(['nomatch*'], '/c16/'),
    copy(['dir'], '/c17/', { chown: '42' }, '--chown=42 '),
    add(['a.tar.gz'], '/c18/'),
    add(['a.tar'], '/c19'),
    add(['a.tar.xz', 'a.tar.bz2'], '/c20/'),
    add(['fake.tar.gz'], '/c21/'),
    add([`${url}/files/data.bin`], '/c22/'),
    add([`${url}/files/data.bin`], '/c23'),
    // Not compared, BuildKit 0.8 predates them: --chmod on a URL download (later BuildKit applies
    // it, as we do) and --chown on an unpacked archive (BuildKit 0.22+ owns the entries too).
  ];
}

describe('COPY and ADD against BuildKit', () => {
  let skip: string | undefined;
  let server: Server | undefined;
  let url = '';
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    skip = await dockerAvailable();
    if (skip !== undefined) return;
    server = createServer((req, res) => {
      if (req.url === '/files/data.bin') {
        res.writeHead(200, { 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' });
        res.end('downloaded');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      if (server === undefined) resolve();
      else server.close(() => {
        resolve();
      });
    });
    for (const remove of cleanup) await remove();
  });

  it('gives the same files', async (test) => {
    if (skip !== undefined) test.skip(skip);
    const context = await tempDir();
    const ours = await tempDir();
    const theirs = await tempDir();
    cleanup.push(context.remove, ours.remove, theirs.remove);
    await writeTree(context.path, CONTEXT);
    await chown(join(context.path, 'a.txt'), 999, 999); // the context's owners never reach the image
    // every time in the context is old: BuildKit 0.8 gives files written within a second or two of
    // the build the build's time instead of their own (seen here; later BuildKit keeps them)
    await run('sh', ['-c', `find . -type l -exec touch -h -d @${String(T)} {} +`], { cwd: context.path });
    await mkdir(join(context.path, 'arch/top/inner'), { recursive: true });
    await writeFile(join(context.path, 'arch/top/inner/file'), 'archived');
    await run('sh', ['-c', `chown -R 321:654 arch && touch -d @1000000000 arch/top/inner/file arch/top/inner arch/top && tar -C arch -cf a.tar top && gzip -k a.tar && xz -k a.tar && bzip2 -k a.tar && rm -r arch && touch -d @${String(T)} a.tar*`], { cwd: context.path });
    const all = steps(url);
    await writeFile(join(context.path, '.dockerignore'), IGNORE.join('\n') + '\n');
    await writeFile(join(context.path, 'Dockerfile'), ['FROM scratch', ...all.map((s) => s.line)].join('\n') + '\n');

    await run(DOCKER, ['build', '--no-cache', '--network', 'host', '-q', '-o', `type=tar,dest=${join(theirs.path, 'out.tar')}`, context.path], {
      env: { ...process.env, DOCKER_BUILDKIT: '1' },
      timeout: 120_000,
    });
    await mkdir(join(theirs.path, 'root'));
    await run('tar', ['-C', join(theirs.path, 'root'), '-xpf', join(theirs.path, 'out.tar')]);

    const ignore = new PatternMatcher(IGNORE);
    for (const step of all) {
      await applyCopy({ ...step.op, destRoot: ours.path, from: { root: context.path, kind: 'context', ignore } });
    }
    const lines = async (root: string): Promise<string[]> => describeTree(root, { owners: true, times: true });
    expect(await lines(ours.path)).toEqual(await lines(join(theirs.path, 'root')));
  });
});
