import { chmod, lstat, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { git, gitServerAvailable, makeServedRepo, startGitHttpServer } from '../../../test/support/git-http-server.js';
import type { GitHttpServer } from '../../../test/support/git-http-server.js';
import { isBuildError } from '../../errors/index.js';
import { applyCopy } from './apply-copy.js';
import type { CopyOp } from './apply-copy.js';
import { resolveGitSource } from './git-resolve.js';
import { describeTree, tempDir } from './testing/tree.js';

const isRoot = process.getuid?.() === 0;

describe.skipIf(!gitServerAvailable())('ADD of a git repository (host git, a server on 127.0.0.1)', () => {
  let server: GitHttpServer;
  let url: string;
  let work: string;
  let destRoot: string;
  let removeDest: () => Promise<void>;
  const add = (op: Partial<CopyOp> & Pick<CopyOp, 'sources' | 'destination'>): ReturnType<typeof applyCopy> => applyCopy({ kind: 'add', destRoot, ...op });

  beforeAll(async () => {
    server = await startGitHttpServer();
    const repo = await makeServedRepo(server, 'site');
    work = repo.work;
    url = repo.url;
    await chmod(work, 0o755);
    await repo.commit({ 'index.html': '<h1>hi</h1>\n', 'docs/a.md': 'a\n', 'bin/run.sh': '#!/bin/sh\n' }, 'site');
    await chmod(join(work, 'bin', 'run.sh'), 0o755);
    await repo.commit({}, 'make run.sh executable');
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await rm(work, { recursive: true, force: true });
  });
  beforeEach(async () => {
    ({ path: destRoot, remove: removeDest } = await tempDir());
  });
  afterEach(async () => {
    await removeDest();
  });

  it('copies the checkout of the default branch into the destination, without .git, owned by root', async () => {
    await add({ sources: [url], destination: '/srv/site' });
    const tree = await describeTree(destRoot, { owners: isRoot });
    const owner = isRoot ? ' 0:0' : '';
    expect(tree).toEqual([
      `srv/ 0755${owner}`,
      `srv/site/ 0755${owner}`,
      `srv/site/bin/ 0755${owner}`,
      // git keeps the executable bit
      `srv/site/bin/run.sh 0755${owner} "#!/bin/sh\\n"`,
      `srv/site/docs/ 0755${owner}`,
      `srv/site/docs/a.md 0644${owner} "a\\n"`,
      `srv/site/index.html 0644${owner} "<h1>hi</h1>\\n"`,
    ]);
  });

  it('takes a subdir, applies --chmod and --exclude, and keeps .git only when asked (never with a subdir)', async () => {
    await add({ sources: [`${url}#main:docs`], destination: '/d/', chmod: '600' });
    await add({ sources: [url], destination: '/e/', exclude: ['docs'] });
    await add({ sources: [url], destination: '/k/', keepGitDir: true });
    await add({ sources: [`${url}#main:docs`], destination: '/s/', keepGitDir: true });
    const tree = await describeTree(destRoot);
    // the subdir's root takes the mode as a copied directory does
    expect(tree.filter((l) => l.startsWith('d/'))).toEqual(['d/ 0600', 'd/a.md 0600 "a\\n"']);
    expect(tree.filter((l) => l.startsWith('e/'))).toEqual(['e/ 0755', 'e/bin/ 0755', 'e/bin/run.sh 0755 "#!/bin/sh\\n"', 'e/index.html 0644 "<h1>hi</h1>\\n"']);
    expect((await lstat(join(destRoot, 'k', '.git'))).isDirectory()).toBe(true);
    expect(tree.filter((l) => l.startsWith('s/'))).toEqual(['s/ 0755', 's/a.md 0644 "a\\n"']);
  });

  it('checks out the commit resolved for the key, even after the branch moved', async () => {
    const resolved = await resolveGitSource(url, {});
    await writeFile(join(work, 'index.html'), '<h1>moved</h1>\n');
    git(work, 'commit', '-q', '-am', 'moved');
    git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
    await add({ sources: [url], destination: '/old/', gitSources: new Map([[url, resolved]]) });
    await add({ sources: [url], destination: '/new/' });
    const tree = await describeTree(destRoot);
    expect(tree).toContain('old/index.html 0644 "<h1>hi</h1>\\n"');
    expect(tree).toContain('new/index.html 0644 "<h1>moved</h1>\\n"');
  });

  it.each<[Partial<CopyOp>, string, string]>([
    [{ kind: 'copy' }, 'INVALID_COPY_OPTION', "source can't be a git ref for COPY"],
    [{ checksum: 'deadbeef' }, 'CHECKSUM_MISMATCH', 'expected checksum to match deadbeef'],
    [{ sources: ['SELF#no-such-branch'] }, 'GIT_FAILED', 'does not contain ref no-such-branch'],
  ])('%j fails with %s', async (change, code, message) => {
    const sources = (change.sources ?? [url]).map((s) => s.replace('SELF', url));
    try {
      await add({ destination: '/x/', ...change, sources });
      expect.unreachable();
    } catch (err) {
      expect(isBuildError(err) ? err.code : err).toBe(code);
      expect((err as Error).message).toContain(message);
    }
  });
});
