import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, isDigest, sha256Digest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import { isErrno, readJsonFile, TEMP_PREFIX, unlinkQuietly, writeFileAtomic } from './fs-util.js';
import type { StoreLock } from './lock.js';
import type { KeyValueArea, KvPutOptions } from './types.js';

/*
 * The metadata area under `cache/`: one file per key, `cache/<sha256 of key>.json` holding
 * `{"key", "value", "blobs"}`, replaced atomically. `blobs` are GC roots for prune. Entries that
 * name blobs are written under the store lock so that a prune cannot slip between "the blob
 * exists" and "the entry names it"; a writer that creates those blobs first should hold a lease on
 * them until the entry is written.
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
    const entry = parseEntry(await readJsonFile(this.fileFor(key)));
    return entry?.key === key ? entry : undefined;
  }

  async get(key: string): Promise<unknown> {
    return (await this.entry(key))?.value;
  }

  async put(key: string, value: unknown, options: KvPutOptions = {}): Promise<void> {
    const blobs = options.blobs ?? [];
    const text = JSON.stringify({ key, value, blobs }) + '\n';
    if (blobs.length === 0) {
      await writeFileAtomic(this.fileFor(key), text);
      return;
    }
    // the entry appears under the lock (a prune then sees it or ran before it); its write and
    // fsync happen outside, so other writers do not wait for them
    await writeFileAtomic(this.fileFor(key), text, { publish: (rename) => this.lock.withLock(rename, { purpose: 'cache entry' }) });
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
