import { lstat, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, gitServerAvailable, makeServedRepo, startGitHttpServer } from '../../../test/support/git-http-server.js';
import type { GitHttpServer } from '../../../test/support/git-http-server.js';
import { isBuildError } from '../../errors/index.js';
import { gitSourceSettings, parseGitSource, resolveGitSource } from './git-resolve.js';
import { checkoutGitSource } from './git-source.js';

const available = gitServerAvailable();

async function errorOf(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (err) {
    if (isBuildError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a failure');
}

async function listTree(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(join(root, prefix), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    out.push(entry.isDirectory() ? `${rel}/` : rel);
    if (entry.isDirectory() && entry.name !== '.git') out.push(...(await listTree(root, rel)));
  }
  return out;
}

describe('gitSourceSettings', () => {
  it.each([
    ['https://h/r.git', {}, { keepGitDir: false, checksum: '', submodules: true, mtime: 'checkout', subdir: '' }],
    ['https://h/r.git#main:a/b', { keepGitDir: true }, { keepGitDir: true, checksum: '', submodules: true, mtime: 'checkout', subdir: 'a/b' }],
    ['https://h/r.git?keep-git-dir=true&checksum=abc', { keepGitDir: true, checksum: 'abc' }, { keepGitDir: true, checksum: 'abc', submodules: true, mtime: 'checkout', subdir: '' }],
    ['https://h/r.git?subdir=/x/&submodules=false&mtime=commit', {}, { keepGitDir: false, checksum: '', submodules: false, mtime: 'commit', subdir: 'x' }],
  ] as const)('%s with %j', (source, flags, expected) => {
    expect(gitSourceSettings(parseGitSource(source), flags)).toEqual(expected);
  });

  it.each([
    ['https://h/r.git?keep-git-dir=false', { keepGitDir: true }, 'inconsistent keep-git-dir configuration'],
    ['https://h/r.git?checksum=abc', { checksum: 'abd' }, 'checksum mismatch'],
    ['https://h/r.git', { checksum: 'sha256:00' }, 'expected hex commit hash'],
    ['https://h/r.git?tag=a&branch=b', {}, 'branch conflicts with tag'],
  ] as const)('%s with %j fails: %s', (source, flags, message) => {
    expect(() => gitSourceSettings(parseGitSource(source), flags)).toThrow(message);
  });
});

describe.skipIf(!available)('resolving and checking out a git source served over HTTP on 127.0.0.1', () => {
  let server: GitHttpServer;
  let url: string;
  let first: string;
  let second: string;
  let annotatedTagObject: string;
  const dirs: string[] = [];
  const scratch = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'stagecraft-git-test-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    server = await startGitHttpServer();
    const repo = await makeServedRepo(server, 'app');
    dirs.push(repo.work);
    url = repo.url;
    first = await repo.commit({ 'README.md': 'one\n', 'src/main.txt': 'main one\n' }, 'first');
    git(repo.work, 'tag', 'v1');
    git(repo.work, 'tag', '-a', 'v1-annotated', '-m', 'annotated');
    annotatedTagObject = git(repo.work, 'rev-parse', 'v1-annotated');
    second = await repo.commit({ 'README.md': 'two\n', 'docs/guide.md': 'guide\n' }, 'second');
    git(repo.work, 'branch', 'old', first);
    git(repo.work, 'push', '-q', '--tags', 'origin', 'refs/heads/old:refs/heads/old');
  }, 60_000);
  afterAll(async () => {
    await server.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['', () => second, () => second, 'refs/heads/main'],
    ['#main', () => second, () => second, 'refs/heads/main'],
    ['#old', () => first, () => first, 'refs/heads/old'],
    ['?branch=old', () => first, () => first, 'refs/heads/old'],
    ['#v1', () => first, () => first, 'refs/tags/v1'],
    // an annotated tag: the tag object is fetched, its commit keys the content
    ['#v1-annotated', () => annotatedTagObject, () => first, 'refs/tags/v1-annotated'],
  ])('"%s" resolves with git ls-remote', async (suffix, checksum, keySha, fetchRef) => {
    const resolved = await resolveGitSource(url + suffix, {});
    expect(resolved.checksum).toBe(checksum());
    expect(resolved.fetchRef).toBe(fetchRef);
    expect(resolved.cacheKey).toBe(keySha());
  });

  it('a full commit id is taken as is (no request), and the key grows with .git, subdir and options', async () => {
    const before = server.requests();
    const bySha = await resolveGitSource(`${url}#${first}:src`, { keepGitDir: true });
    expect(server.requests()).toBe(before);
    expect(bySha.cacheKey).toBe(`${first}.git#${first}:src`);
    const options = await resolveGitSource(`${url}?submodules=false&mtime=commit#main`, {});
    expect(options.cacheKey).toBe(`${second}(skip-submodules)(mtime=commit)`);
  });

  it('checks out the default branch without .git', async () => {
    const checkout = await checkoutGitSource(url, { dir: await scratch() });
    expect(checkout.commit).toBe(second);
    expect(await listTree(checkout.root)).toEqual(['README.md', 'docs/', 'docs/guide.md', 'src/', 'src/main.txt']);
    expect(await readFile(join(checkout.root, 'README.md'), 'utf8')).toBe('two\n');
  });

  it('checks out a tag, a commit id and a subdir', async () => {
    const tag = await checkoutGitSource(`${url}#v1-annotated`, { dir: await scratch() });
    expect(tag.commit).toBe(first);
    expect(await listTree(tag.root)).toEqual(['README.md', 'src/', 'src/main.txt']);
    const sub = await checkoutGitSource(`${url}#${first}:src`, { dir: await scratch() });
    expect(await listTree(sub.root)).toEqual(['main.txt']);
  });

  it('--keep-git-dir keeps a .git whose HEAD is the commit and whose origin is the URL', async () => {
    const kept = await checkoutGitSource(`${url}#old`, { dir: await scratch(), keepGitDir: true });
    expect((await stat(join(kept.root, '.git'))).isDirectory()).toBe(true);
    expect(git(kept.root, 'rev-parse', 'HEAD')).toBe(first);
    expect(git(kept.root, 'remote', 'get-url', 'origin')).toBe(url);
    expect(await lstat(join(kept.root, '.git', 'FETCH_HEAD')).catch(() => 'absent')).toBe('absent');
  });

  it('?mtime=commit gives every file the commit time', async () => {
    const checkout = await checkoutGitSource(`${url}?mtime=commit#main`, { dir: await scratch() });
    expect((await lstat(join(checkout.root, 'docs', 'guide.md'))).mtime.toISOString()).toBe('2024-01-02T03:04:05.000Z');
  });

  it.each([
    ['#nope', {}, 'GIT_FAILED', 'does not contain ref nope'],
    ['#main', { checksum: '0000000' }, 'CHECKSUM_MISMATCH', 'expected checksum to match 0000000'],
    ['#main:missing', {}, 'GIT_FAILED', 'invalid subdir missing'],
    ['#main:README.md', {}, 'GIT_FAILED', 'not a directory'],
  ] as const)('"%s" %j fails with %s', async (suffix, flags, code, message) => {
    const failure = await errorOf(checkoutGitSource(url + suffix, { dir: await scratch(), ...flags }));
    expect(failure.code).toBe(code);
    expect(failure.message).toContain(message);
  });

  it('a --checksum prefix that matches is accepted', async () => {
    const checkout = await checkoutGitSource(`${url}#main`, { dir: await scratch(), checksum: second.slice(0, 10) });
    expect(checkout.commit).toBe(second);
  });

  it('a dumb HTTP server (static files, no shallow fetches) is cloned in full', async () => {
    git(join(server.root, 'app.git'), 'update-server-info');
    const files = createServer((req, res) => {
      const path = join(server.root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      readFile(path).then(
        (body) => res.end(body),
        () => {
          res.writeHead(404);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    try {
      const dumb = `http://127.0.0.1:${String((files.address() as AddressInfo).port)}/app.git`;
      const checkout = await checkoutGitSource(`${dumb}#old`, { dir: await scratch() });
      expect(checkout.commit).toBe(first);
      expect(await readFile(join(checkout.root, 'README.md'), 'utf8')).toBe('one\n');
    } finally {
      await new Promise((resolve) => files.close(resolve));
    }
  });

  it('a repository that is not there fails without showing the credentials of its URL', async () => {
    const secret = `${server.base.replace('http://', 'http://user:s3cret-token@')}/missing.git`;
    const failure = await errorOf(resolveGitSource(secret, {}));
    expect(failure.code).toBe('GIT_FAILED');
    expect(failure.message).not.toContain('s3cret-token');
  });
});
