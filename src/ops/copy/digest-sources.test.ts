import { appendFile, chmod, chown, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PatternMatcher } from '../../context/index.js';
import { ContextDigester } from '../../context/digest-index.js';
import { contextFileHasher } from './context-hasher.js';
import { digestCopySources } from './digest-sources.js';
import { selectCopySources } from './select-sources.js';
import type { SelectCopySourcesOptions } from './select-sources.js';
import { tempDir, writeTree } from './testing/tree.js';

const isRoot = process.getuid?.() === 0;

describe('digestCopySources', () => {
  let root: string;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    ({ path: root, remove } = await tempDir());
    await writeTree(root, {
      'package.json': '{"name":"app"}',
      'src/index.js': 'console.log(1)',
      'src/lib/util.js': 'export {}',
      'src/lib/link.js': { symlink: 'util.js' },
      'src/debug.log': 'noise',
      'src/test.spec.js': 'test',
      'README.md': 'readme',
    });
  });
  afterEach(async () => {
    await remove();
  });

  /** `COPY package.json src/ /app/` with `.dockerignore: *.log` and `--exclude=*.spec.js`. */
  const options = (): SelectCopySourcesOptions => ({
    root,
    patterns: ['package.json', 'src/'],
    ignore: new PatternMatcher(['**/*.log']),
    exclude: ['*.spec.js'],
    owner: 'root',
  });
  const digest = async (opts: SelectCopySourcesOptions = options()): Promise<string> => digestCopySources(await selectCopySources(opts));

  // [what changes, how, whether the COPY's digest changes]
  const CHANGES: readonly (readonly [string, (root: string) => Promise<void>, boolean])[] = [
    ['a file outside the selection', (r) => writeFile(join(r, 'README.md'), 'new readme'), false],
    ['a new file outside the selection', (r) => writeFile(join(r, 'other.txt'), 'x'), false],
    ['an ignored file inside a selected directory', (r) => writeFile(join(r, 'src/debug.log'), 'more noise'), false],
    ['an excluded file inside a selected directory', (r) => writeFile(join(r, 'src/test.spec.js'), 'changed'), false],
    ['only the time of a selected file', (r) => utimes(join(r, 'src/index.js'), 1000, 1000), false],
    ['the content of a selected file', (r) => appendFile(join(r, 'src/index.js'), ';'), true],
    ['the content of a selected top-level file', (r) => writeFile(join(r, 'package.json'), '{"name":"app2"}'), true],
    ['the mode of a selected file', (r) => chmod(join(r, 'src/lib/util.js'), 0o755), true],
    ['the mode of a selected directory', (r) => chmod(join(r, 'src/lib'), 0o700), true],
    ['the name of a selected file', (r) => rename(join(r, 'src/lib/util.js'), join(r, 'src/lib/util2.js')), true],
    ['a new file inside a selected directory', (r) => writeFile(join(r, 'src/new.js'), ''), true],
    ['a symlink target inside a selected directory', async (r) => {
      const { unlink, symlink } = await import('node:fs/promises');
      await unlink(join(r, 'src/lib/link.js'));
      await symlink('other.js', join(r, 'src/lib/link.js'));
    }, true],
  ];

  for (const [what, change, changes] of CHANGES) {
    it(`${changes ? 'changes' : 'keeps'} the digest when ${what} changes`, async () => {
      const before = await digest();
      await change(root);
      const after = await digest();
      if (changes) expect(after).not.toBe(before);
      else expect(after).toBe(before);
    });
  }

  it('is the same for the same files in another directory', async () => {
    const other = await tempDir();
    try {
      const { cp } = await import('node:fs/promises');
      await cp(root, other.path, { recursive: true, preserveTimestamps: false, verbatimSymlinks: true });
      expect(await digest({ ...options(), root: other.path })).toBe(await digest());
    } finally {
      await other.remove();
    }
  });

  it('depends on where each source is, not only on the bytes', async () => {
    await writeTree(root, { 'a.txt': 'same', 'b.txt': 'same' });
    const a = await digest({ root, patterns: ['a.txt'] });
    const b = await digest({ root, patterns: ['b.txt'] });
    expect(a).not.toBe(b);
  });

  it.runIf(isRoot)('owners count for a stage source, not for the build context (it is sent without them)', async () => {
    const context = await digest();
    const stage = await digest({ ...options(), owner: 'keep' });
    await chown(join(root, 'src/index.js'), 1234, 1234);
    expect(await digest()).toBe(context);
    expect(await digest({ ...options(), owner: 'keep' })).not.toBe(stage);
  });

  it('through the context digester: same digest, and a rebuild reads only the files that changed', async () => {
    await sleep(120); // past the stat cache's racy window
    const cacheFile = join(root, '..', `${root.split('/').pop() ?? 'x'}-cache.json`);
    const run = async (): Promise<{ digest: string; read: number }> => {
      const digester = await ContextDigester.open(root, { cacheFile });
      const selection = await selectCopySources(options());
      const d = await digestCopySources(selection, { hashFile: contextFileHasher(digester) });
      await digester.save();
      return { digest: d, read: digester.counters.filesRead };
    };
    try {
      const plain = await digest();
      const first = await run();
      expect(first).toEqual({ digest: plain, read: 3 }); // package.json, src/index.js, src/lib/util.js
      const second = await run();
      expect(second).toEqual({ digest: plain, read: 0 });
      await writeFile(join(root, 'src/index.js'), 'console.log(2)');
      await sleep(120);
      const third = await run();
      expect(third.read).toBe(1);
      expect(third.digest).not.toBe(plain);
      // two digests from the stat cache and one read, each in its place: as if all were read
      expect(third.digest).toBe(await digest());
    } finally {
      const { rm } = await import('node:fs/promises');
      await rm(cacheFile, { force: true });
    }
  });
});
