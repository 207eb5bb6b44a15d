import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFiles, hashHelpersStarted } from './file-hash-pool.js';
import type { FileToHash } from './file-hash-pool.js';

const MiB = 1 << 20;
let dir: string;
const expected = new Map<string, string>();

async function file(name: string, bytes: number): Promise<FileToHash> {
  const data = randomBytes(bytes);
  const path = join(dir, name);
  await writeFile(path, data);
  expected.set(path, createHash('sha256').update(data).digest('hex'));
  return { path, size: bytes };
}

describe('hashFiles', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-hash-pool-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hashes a small job on this thread, in order, empty files included', async () => {
    const files = [await file('a', 10), await file('empty', 0), await file('b', 3000)];
    expect(await hashFiles(files)).toEqual(files.map((f) => expected.get(f.path)));
  });

  it('shares a large job (48 MiB in 300 files, one of 5 MiB) with helper threads and keeps the order', async () => {
    const files: FileToHash[] = [];
    for (let i = 0; i < 299; i++) files.push(await file(`f${String(i)}`, 146 * 1024 + i));
    files.splice(150, 0, await file('big', 5 * MiB));
    const digests = await hashFiles(files);
    expect(digests).toEqual(files.map((f) => expected.get(f.path)));
    expect(hashHelpersStarted()).toBe(Math.min(3, availableParallelism() - 1));
  });

  it("rejects with the fs error's code and path when a file is missing, in a small or a large job", async () => {
    const missing = { path: join(dir, 'missing'), size: 100 };
    await expect(hashFiles([missing])).rejects.toMatchObject({ code: 'ENOENT' });
    const many: FileToHash[] = [];
    for (let i = 0; i < 40; i++) many.push(await file(`m${String(i)}`, MiB));
    many.push({ path: join(dir, 'missing-late'), size: MiB });
    await expect(hashFiles(many)).rejects.toMatchObject({ code: 'ENOENT', path: join(dir, 'missing-late') });
  });

  it('stops at an aborted signal', async () => {
    const files: FileToHash[] = [];
    for (let i = 0; i < 40; i++) files.push(await file(`s${String(i)}`, MiB));
    await expect(hashFiles(files, { signal: AbortSignal.abort() })).rejects.toThrow();
  });
});
