import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import type { Header } from 'tar-stream';
import { BuildError, isBuildError } from '../errors/index.js';

/** One header of a layer tar, with what tar-stream leaves in PAX records applied. */
export interface LayerTarHeader {
  /** The name as the archive spells it (PAX `path` applied). */
  readonly name: string;
  /** tar-stream's type name; `undefined` for a type flag it does not know (sparse files, ...). */
  readonly type: Header['type'] | undefined;
  /** Permission bits with setuid/setgid/sticky (07777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Seconds since the epoch, fractional when a PAX `mtime` says so. */
  readonly mtime: number;
  /** Seconds since the epoch, from a PAX `atime`, if any. */
  readonly atime: number | undefined;
  readonly linkname: string;
  readonly devmajor: number;
  readonly devminor: number;
  /** `SCHILY.xattr.*` records, the values as raw bytes. */
  readonly xattrs: ReadonlyMap<string, Buffer>;
}

export interface ReadLayerTarOptions {
  /** Names the layer in errors. */
  readonly source: string;
  readonly signal?: AbortSignal;
}

const XATTR_PREFIX = 'SCHILY.xattr.';

/**
 * PAX records as raw bytes: `<length> <key>=<value>\n`. tar-stream decodes values as UTF-8, which
 * mangles binary xattr values (a `security.capability` with a byte >= 0x80); this keeps them whole.
 */
export function parsePaxRecords(buf: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let rest = buf;
  while (rest.length > 0) {
    const space = rest.indexOf(0x20);
    if (space <= 0) break;
    const length = Number.parseInt(rest.subarray(0, space).toString('latin1'), 10);
    if (!Number.isSafeInteger(length) || length <= space + 1 || length > rest.length) break;
    const record = rest.subarray(space + 1, length - 1); // without the trailing newline
    const eq = record.indexOf(0x3d);
    if (eq > 0) records.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)));
    rest = rest.subarray(length);
  }
  return records;
}

/** The parts of tar-stream's Extract this module hooks to see PAX headers as bytes. */
interface ExtractInternals {
  _header: { type: string | null } | null;
  _decodeLongHeader: (buf: Buffer) => void;
}

function hasInternals(value: object): value is ExtractInternals {
  return typeof (value as Partial<ExtractInternals>)._decodeLongHeader === 'function';
}

function paxNumber(pax: ReadonlyMap<string, Buffer>, key: string): number | undefined {
  const value = pax.get(key);
  if (value === undefined) return undefined;
  const parsed = Number(value.toString('latin1'));
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** A header as tar-stream produces it at run time: an unknown type flag is `null`. */
type RawHeader = Omit<Header, 'type' | 'linkname'> & { type: Header['type'] | null; linkname: string | null };

function layerHeader(header: RawHeader, pax: ReadonlyMap<string, Buffer> | undefined): LayerTarHeader {
  const xattrs = new Map<string, Buffer>();
  if (pax !== undefined) {
    for (const [key, value] of pax) if (key.startsWith(XATTR_PREFIX)) xattrs.set(key.slice(XATTR_PREFIX.length), value);
  }
  const records = pax ?? new Map<string, Buffer>();
  return {
    name: header.name,
    type: header.type ?? undefined,
    mode: header.mode & 0o7777,
    uid: paxNumber(records, 'uid') ?? header.uid,
    gid: paxNumber(records, 'gid') ?? header.gid,
    size: header.size,
    mtime: paxNumber(records, 'mtime') ?? header.mtime.getTime() / 1000,
    atime: paxNumber(records, 'atime'),
    linkname: header.linkname ?? '',
    devmajor: header.devmajor,
    devminor: header.devminor,
    xattrs,
  };
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  for await (const _chunk of body) {
    // the callback left part of the content unread: skip it
  }
}

/**
 * Reads an uncompressed layer tar entry by entry with tar-stream, calling `onEntry` for each with
 * its content stream (drained afterwards if the callback did not read it). Streams: one chunk in
 * memory. A truncated or corrupt tar is INVALID_ARCHIVE naming the last entry read; errors thrown
 * by `onEntry` stop the read and are passed on as they are.
 */
export async function readLayerTar(
  stream: Readable,
  onEntry: (header: LayerTarHeader, body: AsyncIterable<Uint8Array>) => Promise<void>,
  options: ReadLayerTarOptions,
): Promise<void> {
  // Old (v7) tars have no ustar magic; their header checksums are still verified.
  const extractOptions: Parameters<typeof extract>[0] & { allowUnknownFormat: boolean } = { allowUnknownFormat: true };
  const extractor = extract(extractOptions);
  // PAX headers as bytes: tar-stream parses a PAX header's body in _decodeLongHeader; seeing the
  // same buffer first lets xattr values stay binary. If a future tar-stream drops the hook, the
  // UTF-8 values it decodes are used instead (exact for ASCII values).
  let globalPax: Map<string, Buffer> | undefined;
  let pendingPax: Map<string, Buffer> | undefined;
  if (hasInternals(extractor)) {
    const internals = extractor;
    const original = internals._decodeLongHeader.bind(extractor);
    internals._decodeLongHeader = (buf: Buffer): void => {
      const type = internals._header?.type;
      if (type === 'pax-header') pendingPax = new Map([...(globalPax ?? []), ...parsePaxRecords(buf)]);
      else if (type === 'pax-global-header') globalPax = parsePaxRecords(buf);
      original(buf);
    };
  }
  let last = '(start of archive)';
  let fromCallback: unknown;
  let fromBody: unknown;
  // The content as the callback reads it: a read failure there is the tar's fault (truncated), not the callback's.
  async function* readBody(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body) yield chunk;
    } catch (err) {
      fromBody = err;
      throw err;
    }
  }
  const consume = async (): Promise<void> => {
    for await (const entry of extractor) {
      options.signal?.throwIfAborted();
      const raw = entry.header as RawHeader;
      let pax = pendingPax;
      pendingPax = undefined;
      if (raw.pax === null || raw.pax === undefined || typeof raw.pax !== 'object') pax = undefined;
      else pax ??= new Map(Object.entries(raw.pax as Record<string, string>).map(([key, value]) => [key, Buffer.from(value, 'utf8')]));
      last = raw.name;
      try {
        await onEntry(layerHeader(raw, pax), readBody(entry as AsyncIterable<Uint8Array>));
      } catch (err) {
        fromCallback = err;
        throw err;
      }
      await drain(entry as AsyncIterable<Uint8Array>);
    }
  };
  try {
    await Promise.all([pipeline(stream, extractor, options.signal ? { signal: options.signal } : {}), consume()]);
  } catch (err) {
    stream.destroy();
    extractor.destroy();
    if ((err === fromCallback && err !== fromBody) || isBuildError(err) || (err as Error).name === 'AbortError') throw err;
    if (options.signal?.aborted === true) throw options.signal.reason;
    throw new BuildError('INVALID_ARCHIVE', `${options.source}: truncated or corrupt tar after entry ${JSON.stringify(last)} (${(err as Error).message})`, {
      details: { source: options.source, entry: last },
      cause: err,
    });
  }
}
