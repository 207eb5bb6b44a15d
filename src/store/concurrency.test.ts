import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestHex } from '../oci/index.js';
import { openStore } from './index.js';
import { seededImage } from './testing/memory-image.js';
import { patternDigest } from './testing/pattern.js';
import { spawnTsChild, waitForChild } from './testing/spawn-child.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-concurrency-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('several processes on one store', () => {
  it('loses no tag when child processes tag concurrently', async () => {
    const store = await openStore(root);
    const images = [await seededImage('one'), await seededImage('two'), await seededImage('three'), await seededImage('four')];
    for (const [i, image] of images.entries()) await store.putImage(image, { tags: [`src${i}:1`] });
    const count = 12;
    const children = images.map((_, i) => spawnTsChild('./child-tag.ts', [root, `src${i}:1`, `p${i}`, String(count)]));
    const results = await Promise.all(children.map(waitForChild));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'done\n' });
    const refs = new Map((await store.listRefs()).map((e) => [e.name, e.digest]));
    for (const [i, image] of images.entries()) {
      for (let n = 0; n < count; n++) expect(refs.get(`docker.io/library/p${i}-${n}:t`)).toBe(image.manifestDigest);
    }
    // `shared:n` was written by every child: it holds one whole value, one of theirs
    const digests = new Set(images.map((img) => img.manifestDigest));
    for (let n = 0; n < count; n++) expect(digests.has(refs.get(`docker.io/library/shared:${n}`)!)).toBe(true);
    expect(refs.size).toBe(images.length + images.length * count + count);
  });

  it('lets child processes write the same large blob at once', async () => {
    const size = 24 * 1024 * 1024;
    const children = Array.from({ length: 3 }, () => spawnTsChild('./child-write-blob.ts', [root, String(size), 'shared']));
    const results = await Promise.all(children.map(waitForChild));
    const expected = patternDigest(size, 'shared');
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, stdout: `writing\ndone ${expected}\n` });
    expect(await readdir(join(root, 'blobs', 'sha256'))).toEqual([digestHex(expected)]);
    expect(await readdir(join(root, 'ingest'))).toEqual([]);
    const report = await (await openStore(root)).verify();
    expect(report.corrupt).toEqual([]);
    expect(report.checkedBytes).toBe(size);
  });

  it('never prunes what a concurrent putImage is writing', async () => {
    const store = await openStore(root);
    const count = 15;
    const children = ['a', 'b'].map((prefix) => spawnTsChild('./child-put-images.ts', [root, prefix, String(count)]));
    const finished = Promise.all(children.map(waitForChild));
    const state = { running: true };
    void finished.then(() => (state.running = false));
    let prunes = 0;
    while (state.running) {
      await store.prune();
      prunes++;
      // a pause: a process that re-takes the lock in a tight loop would starve the pollers
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
    for (const r of await finished) expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'done\n' });
    expect(prunes).toBeGreaterThan(1);
    const report = await store.verify();
    expect(report.brokenImages).toEqual([]);
    expect(report.corrupt).toEqual([]);
    for (const prefix of ['a', 'b']) {
      for (let i = 0; i < count; i++) {
        const image = await store.getImage(`${prefix}:${i}`);
        for (const layer of await image.layers()) expect(await store.hasBlob(await layer.digest())).toBe(true);
      }
    }
    // and a last prune with nobody writing keeps all of it
    expect((await store.prune()).removedBlobs).toBe(0);
  });
});
