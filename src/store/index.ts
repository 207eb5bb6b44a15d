/**
 * The local content-addressed store: blobs by digest, images, references, a metadata area for the
 * build cache, prune and verify. Layout, locking and crash guarantees: README.md in this folder.
 */
export { openStore } from './store.js';
export { decompressLayer } from './store-image.js';
export type { Lease } from './leases.js';
export { StoreLock } from './lock.js';
export type { LockOptions } from './lock.js';
export { currentOwner, isOwnerAlive } from './owner.js';
export type {
  BrokenImage,
  CorruptBlob,
  ImageSummary,
  KeyValueArea,
  KvPutOptions,
  OpenStoreOptions,
  PruneLockState,
  PruneOptions,
  PruneResult,
  PutImageOptions,
  RemovedImage,
  Store,
  VerifyReport,
  WriteBlobOptions,
} from './types.js';
