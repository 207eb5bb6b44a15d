import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { digestAlgorithm, digestHex, isDigest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import { isErrno, readJsonFile, TEMP_PREFIX, unlinkQuietly, writeFileAtomic } from './fs-util.js';

/**
 * What the store knows about an image it holds, one file per manifest digest
 * (`images/sha256-<hex>.json`). Records make untagged images listable (`<none>`), give short-ID
 * lookups something to search without reading every manifest, and keep the figures `images` shows.
 */
export interface ImageRecord {
  readonly digest: Digest;
  readonly mediaType: string;
  /** The config digest: docker's IMAGE ID. */
  readonly config: Digest;
  readonly created?: string;
  /** Manifest + config + layer blob sizes. */
  readonly size: number;
  /** When the store first got the image. */
  readonly added: string;
}

function parseRecord(value: unknown): ImageRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const { digest, config, mediaType, created, size, added } = v;
  if (typeof digest !== 'string' || !isDigest(digest) || typeof config !== 'string' || !isDigest(config)) return undefined;
  return {
    digest,
    config,
    mediaType: typeof mediaType === 'string' ? mediaType : '',
    ...(typeof created === 'string' ? { created } : {}),
    size: typeof size === 'number' ? size : 0,
    added: typeof added === 'string' ? added : '',
  };
}

export class ImageRecords {
  readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'images');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  private fileFor(digest: Digest): string {
    return join(this.dir, `${digestAlgorithm(digest)}-${digestHex(digest)}.json`);
  }

  async get(digest: Digest): Promise<ImageRecord | undefined> {
    return parseRecord(await readJsonFile(this.fileFor(digest)));
  }

  async put(record: ImageRecord): Promise<void> {
    await writeFileAtomic(this.fileFor(record.digest), JSON.stringify(record) + '\n');
  }

  async delete(digest: Digest): Promise<boolean> {
    return unlinkQuietly(this.fileFor(digest));
  }

  async list(): Promise<ImageRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const out: ImageRecord[] = [];
    for (const name of names) {
      if (name.startsWith(TEMP_PREFIX) || !name.endsWith('.json')) continue;
      try {
        const record = parseRecord(await readJsonFile(join(this.dir, name)));
        if (record !== undefined) out.push(record);
      } catch {
        // unreadable record: skipped
      }
    }
    return out;
  }
}
