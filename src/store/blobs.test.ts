import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import type { BuildError } from '../errors/index.js';
import { digestHex, sha256Digest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import { openStore } from './index.js';
import type { Store } from './index.js';
import { currentOwner } from './owner.js';
import { patternChunks, patternDigest } from './testing/pattern.js';

let root: string;
let store: Store;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-blobs-'));
  store = await openStore(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function errorOf(promise: Promise<unknown>): Promise<BuildError> {
  try {
    await promise;
  } catch (err) {
    if (isBuildError(err)) return err;
    throw err;
  }
  throw new Error('expected a BuildError');
}

async function visibleBlobs(): Promise<string[]> {
  return readdir(join(root, 'blobs', 'sha256'));
}

describe('writeBlob', () => {
  it('stores bytes under their digest and reads them back', async () => {
    const data = Buffer.from('hello, store');
    const { digest, size } = await store.writeBlob(data);
    expect(digest).toBe(sha256Digest(data));
    expect(size).toBe(data.length);
    expect(await store.hasBlob(digest)).toBe(true);
    expect(await store.blobSize(digest)).toBe(data.length);
    expect(Buffer.from(await store.readBlob(digest)).equals(data)).toBe(true);
    expect(store.blobPath(digest)).toBe(join(root, 'blobs', 'sha256', digestHex(digest)));
  });

  it('streams a blob larger than the chunk size', async () => {
    const size = 5 * 1024 * 1024 + 17;
    const { digest } = await store.writeBlob(Readable.from(patternChunks(size, 'big')), { expected: patternDigest(size, 'big'), expectedSize: size });
    expect(await store.blobSize(digest)).toBe(size);
    const chunks: Buffer[] = [];
    for await (const chunk of await store.openBlob(digest)) chunks.push(chunk as Buffer);
    expect(sha256Digest(Buffer.concat(chunks))).toBe(digest);
  });

  // A writer that lies: what it promises is not what it sends. Nothing may become visible.
  it.each([
    ['a wrong digest', { expected: sha256Digest('other') }, 'DIGEST_MISMATCH'],
    ['a smaller size', { expectedSize: 3 }, 'DIGEST_MISMATCH'],
    ['a larger size', { expectedSize: 1000 }, 'DIGEST_MISMATCH'],
    ['the right digest with a wrong size', { expected: sha256Digest('the real bytes'), expectedSize: 5 }, 'DIGEST_MISMATCH'],
  ] as const)('stores nothing when the source has %s', async (_name, options, code) => {
    const err = await errorOf(store.writeBlob(Readable.from([Buffer.from('the real bytes')]), options));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(/nothing was stored/);
    expect(await visibleBlobs()).toEqual([]);
    expect(await readdir(join(root, 'ingest'))).toEqual([]);
    expect(await store.hasBlob(sha256Digest('the real bytes'))).toBe(false);
  });

  it('fails with BLOB_NOT_FOUND for a missing blob', async () => {
    const missing = sha256Digest('missing');
    expect((await errorOf(store.openBlob(missing))).code).toBe('BLOB_NOT_FOUND');
    expect((await errorOf(store.readBlob(missing))).code).toBe('BLOB_NOT_FOUND');
    expect(await store.blobSize(missing)).toBeUndefined();
  });

  it('lets concurrent writers of the same blob all succeed with one whole copy', async () => {
    const size = 2 * 1024 * 1024;
    const expected = patternDigest(size, 'same');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.writeBlob(Readable.from(patternChunks(size, 'same')), i % 2 === 0 ? { expected, expectedSize: size } : {}),
      ),
    );
    for (const r of results) expect(r).toEqual({ digest: expected, size });
    expect(await visibleBlobs()).toEqual([digestHex(expected)]);
    expect(await readdir(join(root, 'ingest'))).toEqual([]);
    expect((await store.verify()).corrupt).toEqual([]);
  });

  it('skips a blob it already has without reading the source', async () => {
    const data = Buffer.from('present');
    const { digest } = await store.writeBlob(data);
    let pulled = 0;
    const source = new Readable({
      read() {
        pulled++;
        this.push(null);
      },
    });
    expect(await store.writeBlob(source, { expected: digest })).toEqual({ digest, size: data.length });
    expect(pulled).toBe(0);
  });

  it('leaves nothing behind when the source fails or the write is aborted', async () => {
    const failing = Readable.from(
      (function* () {
        yield Buffer.alloc(1024, 1);
        throw new Error('connection reset');
      })(),
    );
    await expect(store.writeBlob(failing)).rejects.toThrow('connection reset');
    const controller = new AbortController();
    const endless = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 2));
      },
    });
    setTimeout(() => {
      controller.abort();
    }, 20);
    await expect(store.writeBlob(endless, { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(await visibleBlobs()).toEqual([]);
    expect(await readdir(join(root, 'ingest'))).toEqual([]);
  });

  it('removes ingest files of dead writers on open, keeps those of live ones', async () => {
    // pid 2^22+1 is above Linux's pid_max limit, so no process has it
    const dead = join(root, 'ingest', `4194305-12345.deadbeef`);
    const live = join(root, 'ingest', `${currentOwner()}.cafe`);
    // same pid, other start time: the pid was reused, the writer is gone
    const reused = join(root, 'ingest', `${process.pid}-1.beef`);
    await writeFile(reused, 'partial');
    await writeFile(dead, 'partial');
    await writeFile(live, 'in progress');
    await writeFile(join(root, 'refs', '.tmp.4194305-1.ab.x.json'), '{');
    await openStore(root);
    expect(await readdir(join(root, 'ingest'))).toEqual([`${currentOwner()}.cafe`]);
    expect(await readdir(join(root, 'refs'))).toEqual([]);
  });
});

function tryMountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('writeBlob on a full disk', () => {
  let mountPoint: string;
  let mounted = false;
  beforeEach(async () => {
    mountPoint = await mkdtemp(join(tmpdir(), 'stagecraft-full-'));
    mounted = tryMountTmpfs(mountPoint, '1m');
  });
  afterEach(async () => {
    if (mounted) execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  it('fails with STORE_WRITE_FAILED naming digest and path, and leaves nothing', async (context) => {
    if (!mounted) {
      context.skip('cannot mount a 1 MiB tmpfs here (needs root): the ENOSPC case is not exercised');
      return;
    }
    const full = await openStore(join(mountPoint, 'store'));
    const size = 3 * 1024 * 1024;
    const expected: Digest = patternDigest(size, 'full');
    const err = await errorOf(full.writeBlob(Readable.from(patternChunks(size, 'full')), { expected, expectedSize: size }));
    expect(err.code).toBe('STORE_WRITE_FAILED');
    expect(err.message).toContain(expected);
    expect(err.message).toContain(join(mountPoint, 'store', 'blobs', 'sha256', digestHex(expected)));
    expect(err.message).toMatch(/no space left/);
    expect(await readdir(join(mountPoint, 'store', 'ingest'))).toEqual([]);
    expect(await full.hasBlob(expected)).toBe(false);
    // once there is room again, the same store works
    await mkdir(join(mountPoint, 'store', 'x'), { recursive: true });
    const small = await full.writeBlob(Buffer.from('fits'));
    expect(await full.hasBlob(small.digest)).toBe(true);
    // metadata writes on a full disk fail the same way
    await writeFile(join(mountPoint, 'filler'), Buffer.alloc(1024 * 1024)).catch(() => undefined);
    const tagErr = await errorOf(full.kv.put('key', { big: 'x'.repeat(100_000) }));
    expect(tagErr.code).toBe('STORE_WRITE_FAILED');
    expect(tagErr.message).toMatch(/no space left/);
  });

  it('fails with STORE_WRITE_FAILED on a read-only store', async (context) => {
    if (!mounted) {
      context.skip('cannot mount a tmpfs here (needs root)');
      return;
    }
    const rw = await openStore(join(mountPoint, 'store'));
    await rw.writeBlob(Buffer.from('before'));
    execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
    try {
      const ro = await errorOf(openStore(join(mountPoint, 'store')).then((s) => s.writeBlob(Buffer.from('after'))));
      expect(ro.code).toBe('STORE_WRITE_FAILED');
      expect(ro.message).toMatch(/read-only/);
      expect(ro.message).toContain(join(mountPoint, 'store'));
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
    }
  });
});
