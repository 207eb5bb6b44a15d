import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import { readStdinContext } from './stdin-context.js';

const DOCKERFILE = 'FROM scratch\nCOPY . /\n';

describe('readStdinContext', () => {
  let dir: string;
  const archives = new Map<string, string>();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-stdin-test-'));
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'sub'), { recursive: true });
    await writeFile(join(tree, 'Dockerfile'), DOCKERFILE);
    await writeFile(join(tree, 'sub', 'Custom.Dockerfile'), 'FROM scratch\n');
    await writeFile(join(tree, 'app.txt'), 'app\n');
    await writeFile(join(tree, '.dockerignore'), '*.txt\n');
    const plain = join(dir, 'ctx.tar');
    execFileSync('tar', ['-cf', plain, '-C', tree, '.']);
    archives.set('tar', plain);
    for (const [kind, program] of [['gzip', 'gzip'], ['bzip2', 'bzip2'], ['xz', 'xz'], ['zstd', 'zstd']] as const) {
      const out = join(dir, `ctx.tar.${kind}`);
      await writeFile(out, execFileSync(program, ['-c', plain]));
      archives.set(kind, out);
    }
    // a hostile archive: names and a symlink that point outside
    const hostile = pack();
    const written = pipeline(hostile, createWriteStream(join(dir, 'hostile.tar')));
    hostile.entry({ name: 'Dockerfile' }, DOCKERFILE);
    hostile.entry({ name: '../escaped.txt' }, 'up\n');
    hostile.entry({ name: '/abs.txt' }, 'abs\n');
    hostile.entry({ name: 'out', type: 'symlink', linkname: '/' });
    hostile.entry({ name: 'out/through-link.txt' }, 'link\n');
    hostile.finalize();
    await written;
    archives.set('hostile', join(dir, 'hostile.tar'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['tar', 'gzip', 'bzip2', 'xz', 'zstd'])('unpacks a %s archive; its Dockerfile is the one at the root; release removes it', async (kind) => {
    const context = await readStdinContext(createReadStream(archives.get(kind) ?? ''), { dockerfile: undefined, tempParent: dir });
    expect(context.fromArchive).toBe(true);
    expect(context.text).toBe(DOCKERFILE);
    expect(context.file).toBe('<stdin>/Dockerfile');
    expect((await readdir(context.contextDir)).sort()).toEqual(['.dockerignore', 'Dockerfile', 'app.txt', 'sub']);
    expect(await readFile(join(context.contextDir, 'app.txt'), 'utf8')).toBe('app\n');
    await context.release();
    expect(await lstat(context.contextDir).catch(() => 'gone')).toBe('gone');
  });

  it('-f names a Dockerfile inside the archive', async () => {
    const context = await readStdinContext(createReadStream(archives.get('gzip') ?? ''), { dockerfile: 'sub/Custom.Dockerfile', tempParent: dir });
    expect(context.text).toBe('FROM scratch\n');
    expect(context.file).toBe('<stdin>/sub/Custom.Dockerfile');
    await context.release();
  });

  it('input that is no archive is the Dockerfile, with an empty context', async () => {
    const context = await readStdinContext(Readable.from([Buffer.from(DOCKERFILE)]), { dockerfile: undefined, tempParent: dir });
    expect(context).toMatchObject({ text: DOCKERFILE, file: '<stdin>', fromArchive: false });
    expect(await readdir(context.contextDir)).toEqual([]);
    await context.release();
  });

  it('a hostile archive writes nothing outside the context', async () => {
    const context = await readStdinContext(createReadStream(archives.get('hostile') ?? ''), { dockerfile: undefined, tempParent: dir });
    const parent = join(context.contextDir, '..');
    expect((await readdir(parent)).sort()).toEqual(['context']);
    expect(await readFile(join(context.contextDir, 'escaped.txt'), 'utf8')).toBe('up\n');
    expect(await readFile(join(context.contextDir, 'abs.txt'), 'utf8')).toBe('abs\n');
    expect(await readFile(join(context.contextDir, 'through-link.txt'), 'utf8')).toBe('link\n');
    expect(await lstat('/through-link.txt').catch(() => 'absent')).toBe('absent');
    await context.release();
  });

  it.each([
    ['-', 'tar', 'USAGE', "invalid argument: can't use stdin for both build context and dockerfile"],
    ['Dockerfile', 'text', 'USAGE', 'ambiguous Dockerfile source: both stdin and flag correspond to Dockerfiles'],
    ['missing/Dockerfile', 'tar', 'DOCKERFILE_NOT_FOUND', 'failed to read dockerfile: open missing/Dockerfile'],
  ])('-f %s with a %s input fails with %s', async (dockerfile, input, code, message) => {
    const before = (await readdir(dir)).length;
    const stream = input === 'text' ? Readable.from([Buffer.from(DOCKERFILE)]) : createReadStream(archives.get('tar') ?? '');
    try {
      await readStdinContext(stream, { dockerfile, tempParent: dir });
      expect.unreachable();
    } catch (err) {
      expect(isBuildError(err) ? err.code : err).toBe(code);
      expect((err as Error).message).toContain(message);
    }
    // the temp dir is gone with the failure
    expect((await readdir(dir)).length).toBe(before);
  });
});
