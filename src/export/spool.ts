import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A stream saved to a temp file, for readers that need to seek (an archive piped to `load`). */
export interface SpooledFile {
  readonly path: string;
  remove(): Promise<void>;
}

export async function spoolToTempFile(stream: Readable, options: { readonly tempDir?: string; readonly name?: string; readonly signal?: AbortSignal } = {}): Promise<SpooledFile> {
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'stagecraft-spool-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const path = join(dir, options.name ?? 'input');
  try {
    await pipeline(stream, createWriteStream(path, { flags: 'wx' }), options.signal ? { signal: options.signal } : {});
  } catch (err) {
    await remove();
    throw err;
  }
  return { path, remove };
}
