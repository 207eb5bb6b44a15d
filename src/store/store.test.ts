import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildError, isBuildError } from '../errors/index.js';
import { sha256Digest, shortId } from '../oci/index.js';
import { openStore } from './index.js';
import type { Store } from './index.js';
import { makeTar, memoryImage, memoryLayer, seededImage } from './testing/memory-image.js';

let root: string;
let store: Store;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-store-'));
  store = await openStore(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (isBuildError(err)) return err.code;
    throw err;
  }
  return undefined;
}

describe('putImage and getImage', () => {
  it('copies manifest, config and layers and reads them back by tag, digest, ID and short ID', async () => {
    const image = await memoryImage([
      memoryLayer(await makeTar({ 'a.txt': 'a' })),
      memoryLayer(await makeTar({ 'b.txt': 'b' }), { compress: false }),
    ]);
    const digest = await store.putImage(image, { tags: ['app:1'] });
    expect(digest).toBe(image.manifestDigest);
    for (const d of [image.manifestDigest, image.configDigest, ...image.memoryLayers.map((l) => l.descriptor.digest)]) {
      expect(await store.hasBlob(d)).toBe(true);
    }
    for (const ref of ['app:1', 'docker.io/library/app:1', image.configDigest, shortId(image.configDigest), image.manifestDigest]) {
      const got = await store.getImage(ref);
      expect(await got.digest()).toBe(digest);
      expect(Buffer.from(await got.rawManifest()).equals(image.manifestBytes)).toBe(true);
      expect(Buffer.from(await got.rawConfig()).equals(image.configBytes)).toBe(true);
    }
    const got = await store.getImage('app:1');
    const layers = await got.layers();
    expect(layers).toHaveLength(2);
    for (const [i, layer] of layers.entries()) {
      const source = image.memoryLayers[i]!;
      expect((await readAll(await layer.open())).equals(source.bytes)).toBe(true);
      expect(sha256Digest(await readAll(await layer.openUncompressed()))).toBe(await source.diffId());
      expect(await layer.diffId()).toBe(await source.diffId());
      expect(await layer.mediaType()).toBe(source.descriptor.mediaType);
    }
    expect(await store.resolveRef('app:1')).toBe(digest);
    expect(await store.listRefs()).toEqual([{ name: 'docker.io/library/app:1', digest }]);
  });

  it('adds the image to a lease the caller passes, and makes none of its own', async () => {
    const image = await memoryImage([memoryLayer(await makeTar({ 'a.txt': 'a' }))], { label: 'leased' });
    const lease = await store.createLease();
    const leasesBefore = await readdir(join(root, 'leases'));
    const digest = await store.putImage(image, { tags: ['leased:1'], lease });
    expect(await readdir(join(root, 'leases'))).toEqual(leasesBefore);
    const held = (JSON.parse(await readFile(lease.path, 'utf8')) as { digests: string[] }).digests;
    expect(held).toEqual(expect.arrayContaining([digest, (await image.manifest()).config.digest, ...(await image.manifest()).layers.map((l) => l.digest)]));
    await lease.release();
    expect(await store.resolveRef('leased:1')).toBe(digest);
    expect(await (await store.getImage('leased:1')).digest()).toBe(digest);
  });

  it('does not reopen layers it already has', async () => {
    const layer = memoryLayer(await makeTar({ 'shared.txt': 'x' }));
    const one = await memoryImage([layer], { label: 'one' });
    const two = await memoryImage([layer], { label: 'two' });
    await store.putImage(one);
    expect(layer.opened()).toBe(1);
    await store.putImage(two);
    expect(layer.opened()).toBe(1);
  });

  it('refuses an image whose layer bytes do not match the manifest, storing nothing of it', async () => {
    const good = memoryLayer(await makeTar({ 'x.txt': 'good' }));
    const lying = { ...good, open: () => Promise.resolve(Readable.from([Buffer.from('evil bytes')])) };
    const image = await memoryImage([lying]);
    expect(await codeOf(store.putImage(image, { tags: ['bad:1'] }))).toBe('DIGEST_MISMATCH');
    expect(await store.hasBlob(good.descriptor.digest)).toBe(false);
    expect(await store.hasBlob(image.manifestDigest)).toBe(false);
    expect(await store.listRefs()).toEqual([]);
    expect(await readdir(join(root, 'ingest'))).toEqual([]);
  });

  it('reports a missing image with a did-you-mean hint', async () => {
    await store.putImage(await seededImage('n'), { tags: ['node:18'] });
    let err: unknown;
    try {
      await store.getImage('nod:18');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BuildError);
    expect((err as BuildError).code).toBe('IMAGE_NOT_FOUND');
    expect((err as BuildError).hint).toBe('did you mean node:18?');
    let err2: unknown;
    try {
      await store.getImage('node:20');
    } catch (e) {
      err2 = e;
    }
    expect((err2 as BuildError).hint).toMatch(/node:18|tags: 18/);
    expect(await codeOf(store.getImage('Node:18'))).toBe('INVALID_REFERENCE');
  });
});

describe('listImages, tag and removeImage', () => {
  it('lists one row per tag, <none> for untagged images, newest first', async () => {
    const old = await memoryImage([memoryLayer(await makeTar({ o: 'o' }))], { created: '2020-01-01T00:00:00Z' });
    const fresh = await memoryImage([memoryLayer(await makeTar({ f: 'f' }))], { created: '2024-01-01T00:00:00Z' });
    const dangling = await memoryImage([memoryLayer(await makeTar({ d: 'd' }))], { created: '2022-01-01T00:00:00Z' });
    await store.putImage(old, { tags: ['old:1', 'localhost:5000/old:2'] });
    await store.putImage(fresh, { tags: ['fresh', `fresh@${fresh.manifestDigest}`] });
    await store.putImage(dangling);
    const rows = (await store.listImages()).map((r) => [r.repository, r.tag, r.id]);
    expect(rows).toEqual([
      ['fresh', 'latest', fresh.configDigest],
      ['<none>', '<none>', dangling.configDigest],
      ['localhost:5000/old', '2', old.configDigest],
      ['old', '1', old.configDigest],
    ]);
    const size = (await store.listImages())[0]!.size;
    expect(size).toBe(fresh.manifestBytes.length + fresh.configBytes.length + fresh.memoryLayers[0]!.bytes.length);
  });

  it('tags an existing image and refuses digest targets', async () => {
    const image = await seededImage('t');
    await store.putImage(image, { tags: ['src:1'] });
    await store.tag('src:1', 'dst');
    expect(await store.resolveRef('dst:latest')).toBe(image.manifestDigest);
    await store.tag(shortId(image.configDigest), 'localhost:5000/dst:2');
    expect(await store.resolveRef('localhost:5000/dst:2')).toBe(image.manifestDigest);
    expect(await codeOf(store.tag('src:1', `dst@${image.manifestDigest}`))).toBe('INVALID_REFERENCE');
    expect(await codeOf(store.tag('nope:1', 'dst:3'))).toBe('IMAGE_NOT_FOUND');
  });

  it('untags, then deletes the image and frees its blobs when the last tag goes', async () => {
    const image = await seededImage('r');
    const other = await memoryImage([image.memoryLayers[0]!], { label: 'other' });
    await store.putImage(image, { tags: ['a:1', 'b:1'] });
    await store.putImage(other, { tags: ['keep:1'] });
    const first = await store.removeImage('a:1');
    expect(first).toEqual({ untagged: ['a:1'], deleted: [], removedBlobs: 0, freedBytes: 0 });
    const second = await store.removeImage('b:1');
    expect(second.untagged).toEqual(['b:1']);
    expect(second.deleted).toEqual([image.configDigest]);
    // manifest and config are freed; the layer is shared with `keep:1` and stays
    expect(second.removedBlobs).toBe(2);
    expect(second.freedBytes).toBe(image.manifestBytes.length + image.configBytes.length);
    expect(await store.hasBlob(image.memoryLayers[0]!.descriptor.digest)).toBe(true);
    expect(await codeOf(store.getImage('b:1'))).toBe('IMAGE_NOT_FOUND');
  });

  it('refuses to remove by ID an image with several tags unless forced', async () => {
    const image = await seededImage('f');
    await store.putImage(image, { tags: ['x:1', 'y:1'] });
    expect(await codeOf(store.removeImage(shortId(image.configDigest)))).toBe('IMAGE_IN_USE');
    const removed = await store.removeImage(shortId(image.configDigest), { force: true });
    expect([...removed.untagged].sort()).toEqual(['x:1', 'y:1']);
    expect(removed.deleted).toEqual([image.configDigest]);
    expect(await store.listImages()).toEqual([]);
  });

  it('drops the digest references of a repository with its last tag', async () => {
    const image = await seededImage('d');
    await store.putImage(image, { tags: ['app:1', `app@${image.manifestDigest}`] });
    const removed = await store.removeImage('app:1');
    expect(removed.untagged).toEqual(['app:1', `app@${image.manifestDigest}`]);
    expect(removed.deleted).toEqual([image.configDigest]);
  });
});

describe('kv area', () => {
  it('stores JSON values by string key, atomically replaced', async () => {
    await store.kv.put('cache/a', { x: 1 });
    await store.kv.put('cache/b', [1, 2]);
    await store.kv.put('other', 'v');
    await store.kv.put('cache/a', { x: 2 });
    expect(await store.kv.get('cache/a')).toEqual({ x: 2 });
    expect(await store.kv.keys('cache/')).toEqual(['cache/a', 'cache/b']);
    expect(await store.kv.delete('cache/b')).toBe(true);
    expect(await store.kv.get('cache/b')).toBeUndefined();
    const reopened = await openStore(root);
    expect(await reopened.kv.get('other')).toBe('v');
  });

  it('reads an entry a crash left empty or torn as missing, and writes it again', async () => {
    const path = join(root, 'cache', `${sha256Digest('torn').slice('sha256:'.length)}.json`);
    for (const content of ['', '{"key":"torn","val']) {
      await store.kv.put('torn', { x: 1 });
      await writeFile(path, content);
      expect(await store.kv.get('torn')).toBeUndefined();
    }
    await store.kv.put('torn', { x: 3 });
    expect(await store.kv.get('torn')).toEqual({ x: 3 });
    expect(await store.kv.keys('torn')).toEqual(['torn']);
  });

  it('keeps a leased entry\'s blobs from prune as a locked one\'s, and leaves no temp files', async () => {
    const blob = await store.writeBlob(Buffer.from('named by a leased entry'));
    await store.kv.put('leased', { x: 1 }, { blobs: [blob.digest], leased: true });
    await store.prune();
    expect(await store.hasBlob(blob.digest)).toBe(true);
    expect((await readdir(join(root, 'cache'))).filter((n) => n.startsWith('.tmp.'))).toEqual([]);
  });
});
