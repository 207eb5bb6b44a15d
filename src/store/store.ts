import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BuildError } from '../errors/index.js';
import type { Image } from '../image/types.js';
import { parseReference } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import { BlobStore } from './blobs.js';
import { isErrno, readJsonFile, storeWriteError, tempOwner, unlinkQuietly, writeFileAtomic } from './fs-util.js';
import { collectGarbage } from './gc.js';
import { ImageRecords } from './image-records.js';
import { KvArea } from './kv.js';
import { Leases } from './leases.js';
import type { Lease } from './leases.js';
import { listImages } from './list-images.js';
import { StoreLock } from './lock.js';
import { isOwnerAlive } from './owner.js';
import type { StoreParts } from './parts.js';
import { putImage, referenceNames } from './put-image.js';
import { RefStore } from './refs.js';
import { removeImage } from './remove-image.js';
import { resolveImage } from './resolve-image.js';
import { storeImage } from './store-image.js';
import type { ImageSummary, OpenStoreOptions, PruneOptions, PruneResult, PutImageOptions, RemovedImage, Store, VerifyReport, WriteBlobOptions } from './types.js';
import { verifyStore } from './verify.js';

const LAYOUT_FILE = 'layout.json';
const LAYOUT_VERSION = 1;
const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60 * 1000;

/** Removes owner-tagged temp files (`.tmp.OWNER....`) of dead owners from `dir`. */
async function cleanTempFiles(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
  let removed = 0;
  for (const name of names) {
    const owner = tempOwner(name);
    if (owner !== undefined && !(await isOwnerAlive(owner)) && (await unlinkQuietly(join(dir, name)))) removed++;
  }
  return removed;
}

class LocalStore implements Store {
  readonly root: string;
  readonly kv: KvArea;
  private readonly parts: StoreParts;

  constructor(parts: StoreParts) {
    this.parts = parts;
    this.root = parts.root;
    this.kv = parts.kv;
  }

  /** Removes what crashed writers left: ingest files and small temp files of dead processes. */
  async cleanStale(): Promise<number> {
    const p = this.parts;
    let removed = await p.blobs.cleanIngest();
    for (const dir of [p.root, p.refs.dir, p.images.dir, p.leases.dir, p.kv.dir]) removed += await cleanTempFiles(dir);
    return removed;
  }

  hasBlob(digest: Digest): Promise<boolean> {
    return this.parts.blobs.has(digest);
  }

  blobSize(digest: Digest): Promise<number | undefined> {
    return this.parts.blobs.size(digest);
  }

  openBlob(digest: Digest): Promise<Readable> {
    return this.parts.blobs.open(digest);
  }

  readBlob(digest: Digest): Promise<Uint8Array> {
    return this.parts.blobs.read(digest);
  }

  blobPath(digest: Digest): string {
    return this.parts.blobs.path(digest);
  }

  createLease(digests: Iterable<Digest> = []): Promise<Lease> {
    return this.parts.leases.create(digests);
  }

  async writeBlob(source: Readable | Uint8Array, options: WriteBlobOptions = {}): Promise<{ digest: Digest; size: number }> {
    const { lease } = options;
    if (lease === undefined) return this.parts.blobs.write(source, options);
    // Lease first when the digest is known, so that "already present" cannot be pruned away.
    if (options.expected !== undefined) await lease.add([options.expected]);
    return this.parts.blobs.write(source, { ...options, beforeCommit: (digest) => lease.add([digest]) });
  }

  putImage(image: Image, options: PutImageOptions = {}): Promise<Digest> {
    return putImage(this.parts, image, options);
  }

  async getImage(ref: string): Promise<Image> {
    const resolved = await resolveImage(this.parts, ref);
    if (!(await this.parts.blobs.has(resolved.digest))) {
      throw new BuildError('STORE_CORRUPT', `image ${ref} is recorded as ${resolved.digest}, but that manifest is missing from the store`, {
        hint: 'run `stagecraft verify`, then pull or build the image again',
        details: { reference: ref, digest: resolved.digest },
      });
    }
    return storeImage(this.parts.blobs, resolved.digest);
  }

  listImages(): Promise<ImageSummary[]> {
    return listImages(this.parts);
  }

  async tag(source: string, target: string): Promise<void> {
    const ref = parseReference(target);
    if (ref.digest !== undefined) {
      throw new BuildError('INVALID_REFERENCE', `refusing to create a tag with a digest reference: ${target}`, {
        hint: 'a tag is name[:tag]; digest references are recorded when an image is pulled or pushed',
        details: { reference: target },
      });
    }
    await this.parts.lock.withLock(
      async () => {
        const resolved = await resolveImage(this.parts, source);
        const [name] = referenceNames([ref.toString()], resolved.digest);
        if (name !== undefined) await this.parts.refs.set(name, resolved.digest);
      },
      { purpose: `tag ${target}` },
    );
  }

  removeImage(ref: string, options: { force?: boolean } = {}): Promise<RemovedImage> {
    return removeImage(this.parts, ref, options);
  }

  async resolveRef(name: string): Promise<Digest | undefined> {
    const ref = parseReference(name);
    if (ref.digest !== undefined) {
      // name@digest: recorded as such, or an image the store holds under that manifest digest
      const recorded = await this.parts.refs.get(`${ref.name}@${ref.digest}`);
      if (recorded !== undefined) return recorded;
      return (await this.parts.images.get(ref.digest)) !== undefined ? ref.digest : undefined;
    }
    return this.parts.refs.get(`${ref.name}:${ref.tag ?? 'latest'}`);
  }

  listRefs(): Promise<Array<{ name: string; digest: Digest }>> {
    return this.parts.refs.list();
  }

  async prune(options: PruneOptions = {}): Promise<PruneResult> {
    const { signal, beforeCollect } = options;
    return this.parts.lock.withLock(
      async () => {
        const removedTempFiles = await this.cleanStale();
        const refs = await this.parts.refs.list();
        const referenced = new Set(refs.map((e) => e.digest));
        const leased = await this.parts.leases.leasedDigests();
        const removedImages: Digest[] = [];
        for (const record of await this.parts.images.list()) {
          if (!referenced.has(record.digest) && !leased.has(record.digest) && (await this.parts.images.delete(record.digest))) {
            removedImages.push(record.digest);
          }
        }
        if (beforeCollect !== undefined) await beforeCollect({ leaseOwners: await this.parts.leases.liveOwners() });
        const freed = await collectGarbage(this.parts, undefined, signal);
        return { ...freed, removedImages, removedTempFiles };
      },
      { purpose: 'prune', signal },
    );
  }

  verify(options: { repair?: boolean; signal?: AbortSignal } = {}): Promise<VerifyReport> {
    return verifyStore(this.parts, options);
  }
}

async function checkLayout(root: string): Promise<void> {
  const path = join(root, LAYOUT_FILE);
  const layout = (await readJsonFile(path)) as { version?: unknown } | undefined;
  if (layout === undefined) {
    await writeFileAtomic(path, JSON.stringify({ version: LAYOUT_VERSION }) + '\n');
    return;
  }
  if (layout.version !== LAYOUT_VERSION) {
    throw new BuildError('STORE_CORRUPT', `the store at ${root} has layout version ${String(layout.version)}; this stagecraft reads version ${LAYOUT_VERSION}`, {
      details: { root, version: layout.version },
    });
  }
}

/**
 * Opens (creating if needed) the store in `root`, and removes what crashed writers left behind.
 * See README.md in this folder for the layout and the guarantees.
 */
export async function openStore(root: string, options: OpenStoreOptions = {}): Promise<Store & { cleanStale(): Promise<number> }> {
  options.signal?.throwIfAborted();
  try {
    await mkdir(root, { recursive: true });
  } catch (err) {
    throw storeWriteError(root, err, 'create the store at');
  }
  await checkLayout(root);
  const lock = new StoreLock(root, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, { reuseRecordFile: true });
  const parts: StoreParts = {
    root,
    blobs: new BlobStore(root),
    refs: new RefStore(root),
    images: new ImageRecords(root),
    leases: new Leases(root, lock),
    kv: new KvArea(root, lock),
    lock,
  };
  try {
    await Promise.all([parts.blobs.init(), parts.refs.init(), parts.images.init(), parts.leases.init(), parts.kv.init()]);
  } catch (err) {
    throw storeWriteError(root, err, 'create the store at');
  }
  const store = new LocalStore(parts);
  await store.cleanStale();
  return store;
}
