import { isDigest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import type { KeyValueArea, Store } from '../store/index.js';
import type { CacheKey } from './cache-key.js';

/** What a step left: the layer it made (by DiffID, stored uncompressed so its blob digest is the DiffID). */
export interface CacheRecord {
  readonly diffId: Digest;
  /** Bytes of the layer tar. */
  readonly size: number;
  /** When the layer was made (RFC 3339): a cache hit keeps it, so the image history is unchanged. */
  readonly created: string;
}

/** Every build cache record lives under this prefix (whatever its version). */
const CACHE_PREFIX = 'solve/';
const STEP_PREFIX = 'solve/v1/step/';
const SOURCE_PREFIX = 'solve/v1/source/';
const BASE_PREFIX = 'solve/v1/base/';

function parseRecord(value: unknown): CacheRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<Record<keyof CacheRecord, unknown>>;
  if (typeof v.diffId !== 'string' || !isDigest(v.diffId)) return undefined;
  if (typeof v.size !== 'number' || typeof v.created !== 'string') return undefined;
  return { diffId: v.diffId, size: v.size, created: v.created };
}

/**
 * The persistent build cache, in the store's metadata area: step key → the layer it made, and
 * (stage result, paths) → the content digest of those paths, so a COPY --from of unchanged files
 * stays cached without reading them again. An entry keeps its layer blob from prune.
 */
export class BuildCache {
  constructor(
    private readonly store: Pick<Store, 'kv' | 'hasBlob'>,
    /** With `--no-cache` nothing is looked up; results are still recorded for the next build. */
    private readonly lookups: boolean,
  ) {}

  /** The step's recorded result, if lookups are on and its layer is still in the store. */
  async get(key: CacheKey): Promise<CacheRecord | undefined> {
    if (!this.lookups) return undefined;
    const record = parseRecord(await this.store.kv.get(STEP_PREFIX + key));
    if (record === undefined || !(await this.store.hasBlob(record.diffId))) return undefined;
    return record;
  }

  /**
   * Records a step's result. The caller holds a lease on the layer blob until after this resolves
   * (a build's lease outlives its deferred work), so the entry needs no store lock.
   */
  async put(key: CacheKey, record: CacheRecord): Promise<void> {
    await this.store.kv.put(STEP_PREFIX + key, record, { blobs: [record.diffId], leased: true });
  }

  /** Whether a base (FROM) was built on before: BuildKit then shows its step as CACHED. */
  async hasBase(key: CacheKey): Promise<boolean> {
    return this.lookups && (await this.store.kv.get(BASE_PREFIX + key)) === true;
  }

  async putBase(key: CacheKey): Promise<void> {
    await this.store.kv.put(BASE_PREFIX + key, true);
  }

  /** A remembered content digest of `paths` in the file system whose key is `stageKey` (lookups or not: it is a fact). */
  async sourceDigest(stageKey: CacheKey, selector: string): Promise<string | undefined> {
    const value = await this.store.kv.get(`${SOURCE_PREFIX}${stageKey}/${selector}`);
    return typeof value === 'string' ? value : undefined;
  }

  async putSourceDigest(stageKey: CacheKey, selector: string, digest: string): Promise<void> {
    await this.store.kv.put(`${SOURCE_PREFIX}${stageKey}/${selector}`, digest);
  }
}

/**
 * Deletes every build cache record (`prune --cache`): step results, remembered source digests and
 * bases seen. The layer blobs the step records kept are then collected by the store's prune.
 * Returns how many records went. Run it where no build can be running (the prune hook checks).
 */
export async function pruneBuildCacheRecords(kv: Pick<KeyValueArea, 'keys' | 'delete'>): Promise<number> {
  let removed = 0;
  for (const key of await kv.keys(CACHE_PREFIX)) if (await kv.delete(key)) removed++;
  return removed;
}
