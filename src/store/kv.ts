import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, isDigest, sha256Digest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import { isErrno, readJsonFile, replaceFile, TEMP_PREFIX, unlinkQuietly } from './fs-util.js';
import type { StoreLock } from './lock.js';
import type { KeyValueArea, KvPutOptions } from './types.js';

/*
 * The metadata area under `cache/` (the build cache's records): one file per key,
 * `cache/<sha256 of key>.json` holding `{"key", "value", "blobs"}`, replaced by a rename. `blobs`
 * are GC roots for prune.
 *
 * An entry is a cache record: losing one costs a rebuild, never a wrong result. So entries are not
 * fsynced (each fsync of a file and its directory was two more thread-pool round trips, a dozen
 * times per build), and an entry that a crash left empty or torn reads as missing. The blobs an
 * entry names are durable before the entry is written (the store fsyncs blobs).
 *
 * Entries that name blobs must not let a prune slip between "the blob exists" and "the entry names
 * it". Either the writer holds a lease on those blobs from before the entry is written until after
 * (prune reads the leases before the entries, gc.ts: a prune that misses the entry still sees the
 * lease), and says so with `leased`; or the entry is renamed into place under the store lock.
 */

interface Entry {
  readonly key: string;
  readonly value: unknown;
  readonly blobs: readonly Digest[];
}

function parseEntry(value: unknown): Entry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { key?: unknown; value?: unknown; blobs?: unknown };
  if (typeof v.key !== 'string') return undefined;
  const blobs = Array.isArray(v.blobs) ? (v.blobs as unknown[]).filter((d): d is Digest => typeof d === 'string' && isDigest(d)) : [];
  return { key: v.key, value: v.value, blobs };
}

export class KvArea implements KeyValueArea {
  readonly dir: string;

  constructor(
    root: string,
    private readonly lock: StoreLock,
  ) {
    this.dir = join(root, 'cache');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  private fileFor(key: string): string {
    return join(this.dir, `${digestHex(sha256Digest(key))}.json`);
  }

  private async entry(key: string): Promise<Entry | undefined> {
    let value: unknown;
    try {
      value = await readJsonFile(this.fileFor(key));
    } catch (err) {
      if (err instanceof SyntaxError) return undefined; // torn by a crash: as if missing
      throw err;
    }
    const entry = parseEntry(value);
    return entry?.key === key ? entry : undefined;
  }

  async get(key: string): Promise<unknown> {
    return (await this.entry(key))?.value;
  }

  async put(key: string, value: unknown, options: KvPutOptions = {}): Promise<void> {
    const blobs = options.blobs ?? [];
    const text = JSON.stringify({ key, value, blobs }) + '\n';
    if (blobs.length === 0 || options.leased === true) {
      await replaceFile(this.fileFor(key), text);
      return;
    }
    // the entry appears under the lock (a prune then sees it or ran before it); it is written
    // outside, so other writers do not wait for that
    await replaceFile(this.fileFor(key), text, { publish: (rename) => this.lock.withLock(rename, { purpose: 'cache entry' }) });
  }

  async delete(key: string): Promise<boolean> {
    return unlinkQuietly(this.fileFor(key));
  }

  private async entries(): Promise<Entry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const out: Entry[] = [];
    for (const name of names) {
      if (name.startsWith(TEMP_PREFIX) || !name.endsWith('.json')) continue;
      try {
        const entry = parseEntry(await readJsonFile(join(this.dir, name)));
        if (entry !== undefined) out.push(entry);
      } catch {
        // unreadable entry: skipped
      }
    }
    return out;
  }

  async keys(prefix = ''): Promise<string[]> {
    return (await this.entries()).map((e) => e.key).filter((k) => k.startsWith(prefix)).sort();
  }

  /** Blobs named by entries: roots for prune. */
  async blobRoots(): Promise<Set<Digest>> {
    const out = new Set<Digest>();
    for (const entry of await this.entries()) for (const d of entry.blobs) out.add(d);
    return out;
  }
}
