import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestHex } from '../oci/index.js';
import { openStore } from './index.js';
import { patternChunks, patternDigest } from './testing/pattern.js';
import { spawnTsChild, waitForChild, waitForLine } from './testing/spawn-child.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-crash-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const SIZE = 24 * 1024 * 1024;
const ROUNDS = 6;

async function visible(): Promise<string[]> {
  return (await readdir(join(root, 'blobs', 'sha256'))).sort();
}

describe('a writer killed with SIGKILL', () => {
  it('leaves either nothing or a whole blob, and the next write succeeds', async () => {
    await openStore(root);
    // One uninterrupted write measures how long a write takes here.
    const first = spawnTsChild('./child-write-blob.ts', [root, String(SIZE), 'seed-0']);
    const firstResult = waitForChild(first);
    await waitForLine(first, 'writing');
    const writeStart = Date.now();
    expect((await firstResult).code).toBe(0);
    const duration = Math.max(50, Date.now() - writeStart);
    const names = [...Array(ROUNDS + 1).keys()].map((i) => digestHex(patternDigest(SIZE, `seed-${i}`)));

    let interrupted = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const child = spawnTsChild('./child-write-blob.ts', [root, String(SIZE), `seed-${round}`]);
      const result = waitForChild(child);
      await waitForLine(child, 'writing');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * duration));
      child.kill('SIGKILL');
      const { signal, code } = await result;
      if (signal === 'SIGKILL') interrupted++;
      else expect(code).toBe(0);
      // whatever is visible is whole: every visible blob hashes to its name
      const report = await (await openStore(root)).verify();
      expect(report.corrupt).toEqual([]);
      for (const name of await visible()) expect(names.slice(0, round + 1)).toContain(name);
    }
    expect(interrupted).toBeGreaterThan(0);

    // Opening the store removed the killed writers' temp files...
    await openStore(root);
    expect(await readdir(join(root, 'ingest'))).toEqual([]);
    // ...and every blob can now be written, whole.
    const store = await openStore(root);
    for (let round = 0; round <= ROUNDS; round++) {
      const expected = patternDigest(SIZE, `seed-${round}`);
      const written = await store.writeBlob(Readable.from(patternChunks(SIZE, `seed-${round}`)), { expected, expectedSize: SIZE });
      expect(written.digest).toBe(expected);
    }
    expect((await visible()).length).toBe(ROUNDS + 1);
    const report = await store.verify();
    expect(report.corrupt).toEqual([]);
    expect(report.checkedBlobs).toBe(ROUNDS + 1);
  });
});
