import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import type { Header } from 'tar-stream';
import { BuildError, isBuildError } from '../errors/index.js';
import type { EntryKind, LayerEntry } from './types.js';

/** Decides whether a file's content is kept (small metadata files the report parses). */
export type CapturePredicate = (path: string, size: number) => boolean;

export interface ReadLayerOptions {
  /** Compute a sha256 of every regular file (for duplicate detection). */
  readonly hash?: boolean;
  /** Keep the content of these files (at most `maxCaptureBytes` each). */
  readonly capture?: CapturePredicate;
  readonly maxCaptureBytes?: number;
  /** Names the layer in errors. */
  readonly source?: string;
  readonly signal?: AbortSignal;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
const DEFAULT_MAX_CAPTURE = 16 * 1024 * 1024;

/**
 * An entry name as an absolute, normalised path. Names are never used to touch the disk here, so
 * `..` is clamped at the root rather than refused: a report should describe odd layers, not fail.
 */
export function normaliseEntryPath(name: string): string {
  const normal = posix.normalize('/' + name);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

function kindOf(header: Header): EntryKind | undefined {
  switch (header.type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    case 'character-device':
    case 'block-device':
      return 'device';
    case 'fifo':
      return 'fifo';
    default:
      return undefined;
  }
}

/** Turns `.wh.` names into whiteout entries; undefined for aufs metadata (`.wh..wh.plnk`). */
function whiteoutEntry(path: string): LayerEntry | undefined {
  const dir = posix.dirname(path);
  const base = posix.basename(path);
  if (base === OPAQUE_MARKER) return { path: dir, kind: 'opaque', size: 0 };
  if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) return undefined;
  return { path: posix.join(dir, base.slice(WHITEOUT_PREFIX.length)), kind: 'whiteout', size: 0 };
}

async function consume(entry: AsyncIterable<unknown>, wantHash: boolean, wantContent: boolean): Promise<{ hash?: string; content?: Uint8Array }> {
  const hash = wantHash ? createHash('sha256') : undefined;
  const chunks: Buffer[] = [];
  for await (const data of entry) {
    const chunk = data as Buffer;
    hash?.update(chunk);
    if (wantContent) chunks.push(chunk);
  }
  return {
    ...(hash !== undefined ? { hash: hash.digest('hex') } : {}),
    ...(wantContent ? { content: new Uint8Array(Buffer.concat(chunks)) } : {}),
  };
}

/**
 * Reads an uncompressed layer tar to its end and lists its entries in tar order. Content is
 * streamed through (hashed or captured on request), never held whole: memory grows with the
 * number of entries, not with the layer's size.
 */
export async function readLayerEntries(stream: Readable, options: ReadLayerOptions = {}): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const maxCapture = options.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE;
  const source = options.source ?? 'layer';
  const ex = extract();
  let last = '(start of archive)';
  const read = async (): Promise<void> => {
    for await (const entry of ex) {
      const header = entry.header;
      last = header.name;
      const path = normaliseEntryPath(header.name);
      const kind = kindOf(header);
      const base = posix.basename(path);
      const size = kind === 'file' ? header.size : 0;
      const wantHash = options.hash === true && kind === 'file' && size > 0;
      const wantContent = kind === 'file' && size <= maxCapture && options.capture?.(path, size) === true;
      const data = await consume(entry, wantHash, wantContent);
      if (kind === undefined || path === '/') continue;
      if (base.startsWith(WHITEOUT_PREFIX)) {
        const whiteout = whiteoutEntry(path);
        if (whiteout !== undefined) entries.push(whiteout);
        continue;
      }
      entries.push({
        path,
        kind,
        size,
        ...(kind === 'symlink' || kind === 'hardlink' ? { linkTarget: header.linkname } : {}),
        ...(data.hash !== undefined ? { contentHash: data.hash } : {}),
        ...(data.content !== undefined ? { content: data.content } : {}),
      });
    }
  };
  try {
    await Promise.all([pipeline(stream, ex, options.signal !== undefined ? { signal: options.signal } : {}), read()]);
  } catch (err) {
    ex.destroy();
    stream.destroy();
    if (isBuildError(err)) throw err;
    if (options.signal?.aborted === true) throw err;
    throw new BuildError('INVALID_ARCHIVE', `${source}: cannot read the layer tar after entry ${JSON.stringify(last)}`, {
      hint: 'the layer may be truncated or corrupt: `stagecraft verify` checks the store',
      cause: err,
      details: { source, entry: last },
    });
  }
  return entries;
}
