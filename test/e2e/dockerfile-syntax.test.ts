import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../../src/errors/index.js';
import { buildIn, withImageFiles } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';
import { startTextServer } from './support/text-server.js';
import type { TextServer } from './support/text-server.js';

/*
 * The newer Dockerfile syntax end to end: heredocs in RUN and COPY (expansion rules, <<- tab
 * stripping, several in one instruction, a program reading the heredoc), COPY --exclude and
 * --parents, and ADD --checksum. Each test builds a real Dockerfile and reads the result's files.
 */

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end Dockerfile syntax tests skipped: ${reason}`);

interface Built {
  readonly dir: string;
  /** A file of the result ('absent' when missing). */
  read(path: string): Promise<string>;
  /** `mode uid:gid` of a path of the result, or 'absent'. */
  stat(path: string): Promise<string>;
}

const dirs: string[] = [];

/** Builds `files` (paths relative to a fresh context; `Dockerfile` among them). */
async function buildFiles(files: Record<string, string>, options: Parameters<typeof buildIn>[1] = {}): Promise<Built> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-syntax-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  const { result } = await buildIn(dir, options);
  return {
    dir,
    read: (path) => withImageFiles(result, (rootfs) => readFile(join(rootfs, path), 'utf8').catch(() => 'absent')),
    stat: (path) =>
      withImageFiles(result, async (rootfs) => {
        try {
          const s = await lstat(join(rootfs, path));
          return `${(s.mode & 0o7777).toString(8)} ${String(s.uid)}:${String(s.gid)}`;
        } catch {
          return 'absent';
        }
      }),
  };
}

const unique = (): string => `${String(Date.now())}-${String(Math.random()).slice(2, 8)}`;

describe.skipIf(reason !== undefined)('Dockerfile heredocs, COPY --exclude/--parents and ADD --checksum end to end', () => {
  let server: TextServer;
  let base = '';
  const payload = 'downloaded payload\n';
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim', 'python:3.11-slim']);
    server = await startTextServer(() => payload);
    base = server.base;
  }, 1_800_000);
  afterAll(async () => {
    await server.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('RUN <<EOF runs the script with the shell; RUN <<EOF python3 feeds it to python3; <<-EOF strips leading tabs; two heredocs in one RUN', { timeout: 300_000 }, async () => {
    const stamp = unique();
    const dockerfile = [
      'FROM python:3.11-slim',
      'ENV GREETING=hello',
      `RUN <<EOF`,
      `echo "$GREETING from sh ${stamp}" > /from-sh`,
      'echo second line >> /from-sh',
      'EOF',
      'RUN <<EOF python3',
      'import sys',
      `open("/from-python", "w").write("python %d.%d ${stamp}\\n" % sys.version_info[:2])`,
      'EOF',
      'RUN <<-EOF',
      '\t\techo tabbed > /tabbed',
      '\tEOF',
      'RUN <<ONE cat > /one && <<TWO cat > /two',
      'first heredoc',
      'ONE',
      'second heredoc',
      'TWO',
      '',
    ].join('\n');
    const built = await buildFiles({ Dockerfile: dockerfile });
    expect(await built.read('from-sh')).toBe(`hello from sh ${stamp}\nsecond line\n`);
    expect(await built.read('from-python')).toBe(`python 3.11 ${stamp}\n`);
    expect(await built.read('tabbed')).toBe('tabbed\n');
    expect(await built.read('one')).toBe('first heredoc\n');
    expect(await built.read('two')).toBe('second heredoc\n');
  });

  it('COPY <<EOF writes inline files: variables expanded for an unquoted delimiter, kept for a quoted one, --chmod/--chown applied, several at once', { timeout: 300_000 }, async () => {
    const stamp = unique();
    const dockerfile = [
      'FROM debian:bookworm-slim',
      'ARG NAME=world',
      `ENV STAMP=${stamp}`,
      'COPY <<EOF /expanded.txt',
      'hello $NAME ${STAMP}',
      'EOF',
      `COPY <<'EOF' /literal.txt`,
      'hello $NAME ${STAMP}',
      'EOF',
      'COPY --chmod=0755 --chown=1234:2345 <<EOF /usr/local/bin/tool',
      '#!/bin/sh',
      'echo tool ran',
      'EOF',
      'COPY <<a.txt <<b.txt /multi/',
      'content a',
      'a.txt',
      'content b',
      'b.txt',
      'RUN /usr/local/bin/tool > /tool-output',
      'ADD <<EOF /added.txt',
      'added $NAME',
      'EOF',
      '',
    ].join('\n');
    const built = await buildFiles({ Dockerfile: dockerfile });
    expect(await built.read('expanded.txt')).toBe(`hello world ${stamp}\n`);
    expect(await built.read('literal.txt')).toBe('hello $NAME ${STAMP}\n');
    expect(await built.stat('usr/local/bin/tool')).toBe('755 1234:2345');
    expect(await built.read('tool-output')).toBe('tool ran\n');
    expect(await built.read('multi/a.txt')).toBe('content a\n');
    expect(await built.read('multi/b.txt')).toBe('content b\n');
    expect(await built.read('added.txt')).toBe('added world\n');
  });

  it('COPY --exclude leaves out what its patterns match, relative to the source, as .dockerignore patterns (repeatable); COPY --parents keeps the directories, with /./ as the pivot', { timeout: 300_000 }, async () => {
    const stamp = unique();
    const built = await buildFiles({
      Dockerfile: [
        'FROM debian:bookworm-slim',
        `RUN echo ${stamp} > /stamp`,
        'COPY --exclude=*.log --exclude=**/*.tmp --exclude=secret src/ /app/',
        'COPY --parents pkg/a/index.js pkg/b/index.js /parents/',
        'COPY --parents ./deep/./x/y.txt /pivot/',
        '',
      ].join('\n'),
      'src/main.js': 'main',
      'src/debug.log': 'log',
      'src/lib/util.js': 'util',
      'src/lib/trace.log': 'trace',
      'src/secret': 'do not copy',
      'src/lib/cache.tmp': 'tmp',
      'pkg/a/index.js': 'a',
      'pkg/b/index.js': 'b',
      'pkg/c/index.js': 'c',
      'deep/x/y.txt': 'y',
    });
    expect(await built.read('app/main.js')).toBe('main');
    expect(await built.read('app/lib/util.js')).toBe('util');
    expect(await built.read('app/debug.log')).toBe('absent');
    // as in .dockerignore, `*.log` matches at the top of the source only; `**/` reaches down
    expect(await built.read('app/lib/trace.log')).toBe('trace');
    expect(await built.read('app/lib/cache.tmp')).toBe('absent');
    expect(await built.read('app/secret')).toBe('absent');
    expect(await built.read('parents/pkg/a/index.js')).toBe('a');
    expect(await built.read('parents/pkg/b/index.js')).toBe('b');
    expect(await built.read('parents/pkg/c/index.js')).toBe('absent');
    expect(await built.read('pivot/x/y.txt')).toBe('y');
    expect(await built.read('pivot/deep')).toBe('absent');
  });

  it('ADD --checksum accepts the right digest and fails the build, at its line, on a wrong one', { timeout: 300_000 }, async () => {
    const url = `${base}/payload-${unique()}.txt`;
    const right = `sha256:${createHash('sha256').update(payload).digest('hex')}`;
    const good = await buildFiles({ Dockerfile: `FROM debian:bookworm-slim\nADD --checksum=${right} ${url} /payload.txt\n` });
    expect(await good.read('payload.txt')).toBe(payload);
    const wrong = `sha256:${'0'.repeat(64)}`;
    const error = await buildFiles({ Dockerfile: `FROM debian:bookworm-slim\nADD --checksum=${wrong} ${url} /payload.txt\n` }).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!isBuildError(error)) throw new Error(`expected a BuildError, got ${String(error)}`);
    expect(error.message).toContain(wrong);
    expect(error.locations.map((range) => range.start.line)).toContain(2);
  });
});
