import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaType, sha256Digest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import { openStore } from './index.js';
import type { Store } from './index.js';
import { makeTar, memoryImage, memoryLayer, seededImage } from './testing/memory-image.js';
import type { MemoryImage } from './testing/memory-image.js';

let root: string;
let store: Store;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-maintenance-'));
  store = await openStore(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function blobsOf(image: MemoryImage): Digest[] {
  return [image.manifestDigest, image.configDigest, ...image.memoryLayers.map((l) => l.descriptor.digest)];
}

async function present(digests: readonly Digest[]): Promise<boolean[]> {
  return Promise.all(digests.map((d) => store.hasBlob(d)));
}

describe('prune', () => {
  it('keeps what references reach and removes the rest', async () => {
    const shared = memoryLayer(await makeTar({ 'base.txt': 'base' }));
    const kept = await memoryImage([shared, memoryLayer(await makeTar({ 'k.txt': 'k' }))], { label: 'kept' });
    const dropped = await memoryImage([shared, memoryLayer(await makeTar({ 'd.txt': 'd' }))], { label: 'dropped' });
    const dangling = await seededImage('dangling');
    await store.putImage(kept, { tags: ['kept:1'] });
    await store.putImage(dropped, { tags: ['dropped:1'] });
    await store.putImage(dangling);
    const stray = await store.writeBlob(Buffer.from('nobody refers to me'));
    // drop the reference by hand (rmi would collect at once): prune must do it
    await store.removeImage('dropped:1');
    await store.putImage(dropped); // back as an untagged image
    const result = await store.prune();
    expect(await present(blobsOf(kept))).toEqual(blobsOf(kept).map(() => true));
    const droppedOnly = [dropped.manifestDigest, dropped.configDigest, dropped.memoryLayers[1]!.descriptor.digest];
    expect(await present(droppedOnly)).toEqual([false, false, false]);
    expect(await present(blobsOf(dangling))).toEqual([false, false, false]);
    expect(await store.hasBlob(stray.digest)).toBe(false);
    const freed = [...droppedOnly, ...blobsOf(dangling)];
    expect(result.removedBlobs).toBe(freed.length + 1);
    const sizeOf = (image: MemoryImage, d: Digest): number =>
      d === image.manifestDigest ? image.manifestBytes.length : d === image.configDigest ? image.configBytes.length : image.memoryLayers.find((l) => l.descriptor.digest === d)!.bytes.length;
    const expectedBytes =
      droppedOnly.reduce((n, d) => n + sizeOf(dropped, d), 0) + blobsOf(dangling).reduce((n, d) => n + sizeOf(dangling, d), 0) + stray.size;
    expect(result.freedBytes).toBe(expectedBytes);
    expect([...result.removedImages].sort()).toEqual([dropped.manifestDigest, dangling.manifestDigest].sort());
    expect((await store.listImages()).map((r) => `${r.repository}:${r.tag}`)).toEqual(['kept:1']);
    // a second prune has nothing left to do
    expect(await store.prune()).toMatchObject({ removedBlobs: 0, freedBytes: 0 });
  });

  it('walks an index to its manifests, keeps cache-entry blobs and leased blobs', async () => {
    const image = await seededImage('in-index');
    await store.putImage(image, { tags: ['tmp:1'] });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [{ mediaType: MediaType.ociManifest, digest: image.manifestDigest, size: image.manifestBytes.length }],
      }),
    );
    const { digest: indexDigest } = await store.writeBlob(index);
    await store.kv.put('build-cache/step', { layer: 'x' }, { blobs: [indexDigest] });
    const cached = await store.writeBlob(Buffer.from('a cached layer'));
    await store.kv.put('build-cache/other', {}, { blobs: [cached.digest] });
    const lease = await store.createLease();
    const leased = await store.writeBlob(Buffer.from('being written'), { lease });
    await store.removeImage('tmp:1'); // the image now lives only through the cache entry's index
    await store.prune();
    expect(await present([indexDigest, ...blobsOf(image), cached.digest, leased.digest])).toEqual(Array(6).fill(true));
    await lease.release();
    await store.kv.delete('build-cache/step');
    const result = await store.prune();
    expect(await present([indexDigest, ...blobsOf(image), leased.digest])).toEqual(Array(5).fill(false));
    expect(await store.hasBlob(cached.digest)).toBe(true);
    expect(result.removedBlobs).toBe(5);
  });

  it('removes ingest files of dead writers but not of live ones', async () => {
    await writeFile(join(root, 'ingest', '4194305-9.abcd'), 'crashed writer');
    const { currentOwner } = await import('./owner.js');
    await writeFile(join(root, 'ingest', `${currentOwner()}.live`), 'a writer in this process');
    const result = await store.prune();
    expect(result.removedTempFiles).toBe(1);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(join(root, 'ingest'))).toEqual([`${currentOwner()}.live`]);
  });
});

describe('verify', () => {
  it('finds a corrupted blob, and with repair removes it and names the broken images', async () => {
    const shared = memoryLayer(await makeTar({ 'base.txt': 'base' }));
    const one = await memoryImage([shared], { label: 'one' });
    const two = await memoryImage([shared, memoryLayer(await makeTar({ 't.txt': 't' }))], { label: 'two' });
    const fine = await seededImage('fine');
    await store.putImage(one, { tags: ['one:1'] });
    await store.putImage(two, { tags: ['two:1', 'two:2'] });
    await store.putImage(fine, { tags: ['fine:1'] });
    const clean = await store.verify();
    expect(clean.corrupt).toEqual([]);
    expect(clean.brokenImages).toEqual([]);
    expect(clean.checkedBlobs).toBe(3 + 4 + 3 - 1);

    const victim = shared.descriptor.digest;
    await writeFile(store.blobPath(victim), 'bit rot');
    const report = await store.verify();
    expect(report.corrupt).toEqual([{ digest: victim, path: store.blobPath(victim), actual: sha256Digest('bit rot'), size: 7 }]);
    expect(report.removed).toEqual([]);
    expect(await store.hasBlob(victim)).toBe(true);
    const broken = (r: typeof report): string[] => r.brokenImages.map((b) => b.references.join(',')).sort();
    expect(broken(report)).toEqual(['docker.io/library/one:1', 'docker.io/library/two:1,docker.io/library/two:2']);

    const repaired = await store.verify({ repair: true });
    expect(repaired.removed).toEqual([victim]);
    expect(await store.hasBlob(victim)).toBe(false);
    expect(broken(repaired)).toEqual(broken(report));
    for (const b of repaired.brokenImages) expect(b.missing).toEqual([victim]);
    // the images are still listed; re-putting one restores the blob and the store is whole again
    await store.putImage(one, { tags: ['one:1'] });
    const after = await store.verify();
    expect(after.corrupt).toEqual([]);
    expect(after.brokenImages).toEqual([]);
  });

  it('reports an image whose manifest is gone', async () => {
    const image = await seededImage('gone');
    await store.putImage(image, { tags: ['gone:1'] });
    const { unlink } = await import('node:fs/promises');
    await unlink(store.blobPath(image.manifestDigest));
    const report = await store.verify();
    expect(report.brokenImages).toEqual([{ manifestDigest: image.manifestDigest, references: ['docker.io/library/gone:1'], missing: [image.manifestDigest] }]);
    await expect(store.getImage('gone:1')).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });
});
