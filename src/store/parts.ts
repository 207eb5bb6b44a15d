import type { BlobStore } from './blobs.js';
import type { ImageRecords } from './image-records.js';
import type { KvArea } from './kv.js';
import type { Leases } from './leases.js';
import type { StoreLock } from './lock.js';
import type { RefStore } from './refs.js';

/** The pieces of an open store, shared by the operations that combine them. */
export interface StoreParts {
  readonly root: string;
  readonly blobs: BlobStore;
  readonly refs: RefStore;
  readonly images: ImageRecords;
  readonly leases: Leases;
  readonly kv: KvArea;
  readonly lock: StoreLock;
}
