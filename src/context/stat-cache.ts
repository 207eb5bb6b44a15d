import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The stat fields that say a file is unchanged since it was hashed (all from one lstat). */
export interface FileStatKey {
  readonly size: number;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly ino: bigint;
  /** Permission bits (a chmod changes ctime too; kept for clarity). */
  readonly mode: number;
}

interface StoredEntry {
  readonly size: number;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  readonly ino: string;
  readonly mode: number;
  /** sha256 hex of the content. */
  readonly digest: string;
}

interface StoredCache {
  readonly version: 1;
  /** The directory the relative paths belong to: a cache for another root is ignored. */
  readonly root: string;
  readonly files: Readonly<Record<string, StoredEntry>>;
}

const VERSION = 1;

/**
 * How close to the hashing time a change must be to make a cached digest untrustworthy. File
 * timestamps tick with the kernel's coarse clock (a few ms): a file written twice within one tick
 * keeps its mtime and ctime, so a digest taken in that same tick may be stale ("racily clean",
 * as git calls it). Such entries are not stored.
 */
export const DEFAULT_RACY_WINDOW_MS = 50;

function sameStat(entry: StoredEntry, stat: FileStatKey): boolean {
  return (
    entry.size === stat.size &&
    entry.mtimeNs === stat.mtimeNs.toString() &&
    entry.ctimeNs === stat.ctimeNs.toString() &&
    entry.ino === stat.ino.toString() &&
    entry.mode === stat.mode
  );
}

function isStored(value: unknown, root: string): value is StoredCache {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredCache>;
  const files: unknown = v.files;
  return v.version === VERSION && v.root === root && typeof files === 'object' && files !== null;
}

/**
 * Content digests of the files under one root, keyed by relative path and trusted while the
 * file's (size, mtime, ctime, inode, mode) are unchanged, persisted as one JSON file. A missing,
 * corrupt or foreign cache file is treated as empty (the cache can always be rebuilt). Saving
 * writes a temporary file and renames it over the old one, so a crash leaves the old cache whole.
 */
export class StatCache {
  private readonly files: Map<string, StoredEntry>;
  private readonly racyWindowNs: bigint;
  private dirty = false;

  private constructor(
    readonly file: string | undefined,
    readonly root: string,
    files: Map<string, StoredEntry>,
    racyWindowMs: number,
  ) {
    this.files = files;
    this.racyWindowNs = BigInt(Math.round(racyWindowMs * 1e6));
  }

  /**
   * An empty cache kept in memory only. `racyWindowMs` (default 50) must exceed the file system's
   * timestamp granularity: raise it for coarse ones (FAT keeps mtimes to 2 s).
   */
  static inMemory(root: string, racyWindowMs = DEFAULT_RACY_WINDOW_MS): StatCache {
    return new StatCache(undefined, root, new Map(), racyWindowMs);
  }

  static async load(file: string, root: string, racyWindowMs = DEFAULT_RACY_WINDOW_MS): Promise<StatCache> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      return new StatCache(file, root, new Map(), racyWindowMs);
    }
    const files = isStored(parsed, root) ? new Map(Object.entries(parsed.files)) : new Map<string, StoredEntry>();
    return new StatCache(file, root, files, racyWindowMs);
  }

  get size(): number {
    return this.files.size;
  }

  /** The cached digest of `path`, if its stat information is unchanged. */
  lookup(path: string, stat: FileStatKey): string | undefined {
    const entry = this.files.get(path);
    return entry !== undefined && sameStat(entry, stat) ? entry.digest : undefined;
  }

  /**
   * Records a digest computed from a read that started at `readStartNs` (wall clock). A file whose
   * ctime is that close to the read may have changed within the same timestamp tick: it is
   * forgotten rather than stored.
   */
  record(path: string, stat: FileStatKey, digest: string, readStartNs: bigint): void {
    if (stat.ctimeNs + this.racyWindowNs >= readStartNs || stat.mtimeNs + this.racyWindowNs >= readStartNs) {
      if (this.files.delete(path)) this.dirty = true;
      return;
    }
    this.files.set(path, {
      size: stat.size,
      mtimeNs: stat.mtimeNs.toString(),
      ctimeNs: stat.ctimeNs.toString(),
      ino: stat.ino.toString(),
      mode: stat.mode,
      digest,
    });
    this.dirty = true;
  }

  /** Drops entries for paths not in `keep` (files deleted from the context). */
  prune(keep: ReadonlySet<string>): void {
    for (const path of this.files.keys()) {
      if (!keep.has(path)) {
        this.files.delete(path);
        this.dirty = true;
      }
    }
  }

  /** Writes the cache if it changed (no-op for an in-memory cache). */
  async save(): Promise<void> {
    if (this.file === undefined || !this.dirty) return;
    const stored: StoredCache = { version: VERSION, root: this.root, files: Object.fromEntries(this.files) };
    await mkdir(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp.${randomBytes(6).toString('hex')}`;
    await writeFile(temp, JSON.stringify(stored));
    await rename(temp, this.file);
    this.dirty = false;
  }
}
