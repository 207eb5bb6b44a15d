import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isDigest, sha256Digest, digestHex } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import { isErrno, readJsonFile, TEMP_PREFIX, unlinkQuietly, writeFileAtomic } from './fs-util.js';

/*
 * References: one small file per reference, `refs/<sha256 of the name>.json` holding
 * `{"name": "docker.io/library/node:18", "digest": "sha256:..."}`. The name is hashed for the file
 * name because references may be longer than a file name and contain `/` and `:`.
 *
 * Each update is a whole-file replace (temp + fsync + rename), so a reader never sees a torn
 * reference, and updates of different references never touch the same file: two processes tagging
 * at once cannot lose each other's update. Updates that read before they write (tag, rmi) run under
 * the store lock as well.
 */

export interface RefEntry {
  readonly name: string;
  readonly digest: Digest;
}

function parseEntry(value: unknown): RefEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, digest } = value as { name?: unknown; digest?: unknown };
  if (typeof name !== 'string' || typeof digest !== 'string' || !isDigest(digest)) return undefined;
  return { name, digest };
}

export class RefStore {
  readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'refs');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  private fileFor(name: string): string {
    return join(this.dir, `${digestHex(sha256Digest(name))}.json`);
  }

  async get(name: string): Promise<Digest | undefined> {
    const entry = parseEntry(await readJsonFile(this.fileFor(name)));
    return entry?.name === name ? entry.digest : undefined;
  }

  async set(name: string, digest: Digest): Promise<void> {
    await writeFileAtomic(this.fileFor(name), JSON.stringify({ name, digest }) + '\n');
  }

  async delete(name: string): Promise<boolean> {
    return unlinkQuietly(this.fileFor(name));
  }

  /** Every reference, sorted by name. */
  async list(): Promise<RefEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const entries: RefEntry[] = [];
    for (const file of names) {
      if (file.startsWith(TEMP_PREFIX) || !file.endsWith('.json')) continue;
      try {
        const entry = parseEntry(await readJsonFile(join(this.dir, file)));
        if (entry !== undefined) entries.push(entry);
      } catch {
        // unreadable entry: verify reports the store, listing goes on
      }
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
