import type { Readable } from 'node:stream';
import type { Image } from '../image/types.js';
import type { Digest } from '../oci/index.js';
import type { Lease } from './leases.js';

export interface OpenStoreOptions {
  readonly signal?: AbortSignal;
  /**
   * How long to wait for the store lock before failing with STORE_LOCKED (default 10 minutes:
   * a prune of a large store holds it for a while).
   */
  readonly lockTimeoutMs?: number;
}

export interface WriteBlobOptions {
  /** The digest the bytes must have; the blob is refused (DIGEST_MISMATCH) if they do not. */
  readonly expected?: Digest;
  /** The size the bytes must have. */
  readonly expectedSize?: number;
  /**
   * Keeps the blob from prune until the lease is released (see Store.createLease): use it when the
   * blob is written now and referenced later (a layer before its manifest, a cache entry).
   */
  readonly lease?: Lease;
  readonly signal?: AbortSignal;
}

export interface PutImageOptions {
  /**
   * References to point at the image: tags (`node:18`, normalised to `docker.io/library/node:18`)
   * and digest references (`node@sha256:...`, which must name this manifest; shown as RepoDigests).
   */
  readonly tags?: readonly string[];
  readonly signal?: AbortSignal;
  /**
   * A lease the caller holds until after putImage resolves: the image's blobs are added to it
   * rather than to a lease of putImage's own (a build passes its own, which already holds the
   * layers it wrote).
   */
  readonly lease?: Lease;
}

/** One row of `images`: an image once per reference, or once as `<none>` when it has none. */
export interface ImageSummary {
  /** Familiar repository name (`node`, `localhost:5000/x`) or `<none>`. */
  readonly repository: string;
  /** The tag, or `<none>` (untagged, or known only by digest). */
  readonly tag: string;
  /** The full reference this row stands for, if any. */
  readonly reference?: string;
  /** The IMAGE ID: the config digest, as docker shows it. */
  readonly id: Digest;
  readonly manifestDigest: Digest;
  /** The config's `created`, if it has one. */
  readonly created?: string;
  /** Bytes the image takes in the store: manifest, config and layer blobs as stored. */
  readonly size: number;
}

export interface RemovedImage {
  /** References removed, in the familiar form docker prints after `Untagged:`. */
  readonly untagged: readonly string[];
  /** Images deleted (their IDs, config digests) because no reference was left. */
  readonly deleted: readonly Digest[];
  /** Blobs freed together with the deleted images (those no other image uses). */
  readonly removedBlobs: number;
  readonly freedBytes: number;
}

export interface PruneResult {
  readonly removedBlobs: number;
  readonly freedBytes: number;
  /** Untagged (dangling) images that were dropped, by manifest digest. */
  readonly removedImages: readonly Digest[];
  /** Temp files of crashed writers removed from the ingest area. */
  readonly removedTempFiles: number;
}

/** What a prune hook may look at while prune holds the store lock. */
export interface PruneLockState {
  /**
   * The owners (`PID-STARTTIME`) of live leases, one per lease: builds (a build holds one from its
   * start to its end), pulls and image writes in progress. Nobody can start one until the hook
   * returns.
   */
  readonly leaseOwners: readonly string[];
}

export interface PruneOptions {
  readonly signal?: AbortSignal;
  /**
   * Runs under the store lock after dangling images are dropped and before unreachable blobs are
   * collected, so that what it deletes (cache entries naming blobs) is collected by the same prune
   * and no writer can start in between. It must not call store methods that take the lock (tag,
   * createLease, putImage, kv.put with blobs): they would wait for this prune forever.
   */
  readonly beforeCollect?: (state: PruneLockState) => Promise<void>;
}

export interface CorruptBlob {
  readonly digest: Digest;
  readonly path: string;
  /** The digest the bytes actually have. */
  readonly actual: Digest;
  readonly size: number;
}

export interface BrokenImage {
  readonly manifestDigest: Digest;
  /** Its references (full form), possibly none. */
  readonly references: readonly string[];
  /** The blobs it needs that are missing or corrupt. */
  readonly missing: readonly Digest[];
}

export interface VerifyReport {
  readonly checkedBlobs: number;
  readonly checkedBytes: number;
  readonly corrupt: readonly CorruptBlob[];
  /** Corrupt blobs deleted (with `repair`). */
  readonly removed: readonly Digest[];
  /** Images that miss a blob or hold a corrupt one (after the repair, when repairing). */
  readonly brokenImages: readonly BrokenImage[];
}

export interface KvPutOptions {
  /**
   * Blobs this entry keeps alive: prune treats them (and what they reference, for manifests and
   * indexes) as reachable while the entry exists.
   */
  readonly blobs?: readonly Digest[];
  /**
   * The caller holds a lease on `blobs` from before this call until after it resolves: the entry
   * then needs no store lock to appear (see kv.ts).
   */
  readonly leased?: boolean;
}

/**
 * A small key → JSON area (for the build cache): each entry a file written atomically, keyed by
 * any string.
 */
export interface KeyValueArea {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown, options?: KvPutOptions): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Every key, optionally only those starting with `prefix`. */
  keys(prefix?: string): Promise<string[]>;
}

export interface Store {
  readonly root: string;
  // blobs
  hasBlob(digest: Digest): Promise<boolean>;
  blobSize(digest: Digest): Promise<number | undefined>;
  /** Streams a blob; BLOB_NOT_FOUND if absent. */
  openBlob(digest: Digest): Promise<Readable>;
  /** Reads a small blob (a manifest or config) whole; BLOB_NOT_FOUND if absent. */
  readBlob(digest: Digest): Promise<Uint8Array>;
  writeBlob(source: Readable | Uint8Array, options?: WriteBlobOptions): Promise<{ digest: Digest; size: number }>;
  /** Where a blob's file is (for hard-linking or mmap by exporters); it may not exist. */
  blobPath(digest: Digest): string;
  /**
   * Protects blobs from prune until released, for work that writes blobs now and references them
   * later. Leases of processes that died are dropped by the next prune.
   */
  createLease(digests?: Iterable<Digest>): Promise<Lease>;
  // images
  putImage(image: Image, options?: PutImageOptions): Promise<Digest>;
  getImage(ref: string): Promise<Image>;
  listImages(): Promise<ImageSummary[]>;
  tag(source: string, target: string): Promise<void>;
  removeImage(ref: string, options?: { force?: boolean }): Promise<RemovedImage>;
  // references
  resolveRef(name: string): Promise<Digest | undefined>;
  listRefs(): Promise<Array<{ name: string; digest: Digest }>>;
  // metadata for the build cache
  readonly kv: KeyValueArea;
  // maintenance
  prune(options?: PruneOptions): Promise<PruneResult>;
  verify(options?: { repair?: boolean; signal?: AbortSignal }): Promise<VerifyReport>;
}
