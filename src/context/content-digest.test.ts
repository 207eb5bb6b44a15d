import { createHash } from 'node:crypto';
import { appendFile, chmod, lstat, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildError } from '../errors/index.js';
import { ContextDigester } from './content-digest.js';
import { listContextFiles } from './list-context-files.js';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
/** Longer than the stat cache's racy window, so fresh writes become cacheable. */
const settle = (): Promise<void> => sleep(120);

describe('ContextDigester', () => {
  let root: string;
  let state: string;
  let cacheFile: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'stagecraft-ctx-'));
    state = await mkdtemp(join(tmpdir(), 'stagecraft-state-'));
    cacheFile = join(state, 'kv', 'context-cache.json');
    for (let i = 0; i < 40; i++) {
      await mkdir(join(root, `dir${String(i % 4)}`), { recursive: true });
      await writeFile(join(root, `dir${String(i % 4)}`, `file${String(i)}.txt`), `content ${String(i)}\n`);
    }
    await settle();
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(state, { recursive: true, force: true });
  });

  const hashAll = async (): Promise<{ digester: ContextDigester; digests: Map<string, string> }> => {
    const digester = await ContextDigester.open(root, { cacheFile });
    const digests = await digester.hashEntries(await listContextFiles(root, []));
    await digester.save();
    return { digester, digests };
  };

  it('hashes by content and, on the next build, re-reads only the files that changed', async () => {
    const first = await hashAll();
    expect(first.digester.counters).toEqual({ filesRead: 40, filesReused: 0, bytesRead: first.digester.counters.bytesRead });
    expect(first.digests.get('dir1/file5.txt')).toBe(sha('content 5\n'));

    const unchanged = await hashAll();
    expect(unchanged.digester.counters.filesRead).toBe(0);
    expect(unchanged.digester.counters.filesReused).toBe(40);
    expect(unchanged.digests).toEqual(first.digests);

    await appendFile(join(root, 'dir1/file5.txt'), 'more');
    await writeFile(join(root, 'dir2/file6.txt'), 'replaced');
    await chmod(join(root, 'dir3/file7.txt'), 0o600);
    await utimes(join(root, 'dir0/file0.txt'), 12345, 12345); // touched: same content
    await settle();
    const changed = await hashAll();
    expect(changed.digester.counters.filesRead).toBe(4);
    expect(changed.digester.counters.filesReused).toBe(36);
    expect(changed.digests.get('dir1/file5.txt')).toBe(sha('content 5\nmore'));
    expect(changed.digests.get('dir2/file6.txt')).toBe(sha('replaced'));
    expect(changed.digests.get('dir3/file7.txt')).toBe(first.digests.get('dir3/file7.txt'));
    expect(changed.digests.get('dir0/file0.txt')).toBe(first.digests.get('dir0/file0.txt'));

    const again = await hashAll();
    expect(again.digester.counters.filesRead).toBe(0);
  });

  it('does not trust a digest taken in the same instant the file was written', async () => {
    const path = join(root, 'fresh.txt');
    const hashFresh = async (racyWindowMs: number): Promise<{ digest: string; read: number }> => {
      const st = await lstat(path, { bigint: true });
      const digester = await ContextDigester.open(root, { cacheFile, racyWindowMs });
      const digest = await digester.hashFile('fresh.txt', { size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino, mode: Number(st.mode & 0o7777n) });
      await digester.save();
      return { digest, read: digester.counters.filesRead };
    };
    await writeFile(path, 'just written');
    // a window far longer than this test: the fresh file is racily clean, so never remembered
    expect(await hashFresh(60_000)).toEqual({ digest: sha('just written'), read: 1 });
    expect((await hashFresh(60_000)).read).toBe(1);
    // once the write is older than the window, the digest is kept
    await settle();
    expect((await hashFresh(50)).read).toBe(1);
    expect((await hashFresh(50)).read).toBe(0);
  });

  it('a file replaced by another one of the same size and time is noticed by its inode and ctime', async () => {
    await hashAll();
    const path = join(root, 'dir0/file4.txt');
    await rm(path);
    await writeFile(path, 'content X\n'); // same length as before
    await utimes(path, 1, 1);
    await settle();
    const after = await hashAll();
    expect(after.digester.counters.filesRead).toBe(1);
    expect(after.digests.get('dir0/file4.txt')).toBe(sha('content X\n'));
  });

  it('ignores a corrupt cache file or one written for another directory', async () => {
    await hashAll();
    const saved = JSON.parse(await readFile(cacheFile, 'utf8')) as { root: string };
    expect(saved.root).toBe(root);
    await writeFile(cacheFile, JSON.stringify({ ...saved, root: '/elsewhere' }));
    expect((await hashAll()).digester.counters.filesRead).toBe(40);
    await writeFile(cacheFile, '{ not json');
    expect((await hashAll()).digester.counters.filesRead).toBe(40);
  });

  it('reads a file asked for twice at once only once', async () => {
    const digester = await ContextDigester.open(root);
    const [entry] = (await listContextFiles(root, [])).filter((e) => e.path === 'dir2/file2.txt');
    const results = await Promise.all([digester.hashFile(entry!.path, entry!), digester.hashFile(entry!.path, entry!)]);
    expect(results[0]).toBe(sha('content 2\n'));
    expect(results[1]).toBe(results[0]);
    expect(digester.counters.filesRead).toBe(1);
  });

  it('a file that changed after it was listed is an error, not a wrong digest', async () => {
    const entries = await listContextFiles(root, []);
    await appendFile(join(root, 'dir3/file3.txt'), 'grown');
    const digester = await ContextDigester.open(root);
    const error = await digester.hashEntries(entries).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).code).toBe('CONTEXT_UNREADABLE');
    expect((error as BuildError).message).toBe('dir3/file3.txt changed while the build context was being read');
  });

  it('forgets files that left the context', async () => {
    const first = await hashAll();
    expect(first.digests.size).toBe(40);
    await rm(join(root, 'dir0'), { recursive: true });
    const digester = await ContextDigester.open(root, { cacheFile });
    const entries = await listContextFiles(root, []);
    digester.prune(entries.map((e) => e.path));
    await digester.save();
    const saved = JSON.parse(await readFile(cacheFile, 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(saved.files).length).toBe(30);
  });
});
