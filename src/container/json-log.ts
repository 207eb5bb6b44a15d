/**
 * Container output in docker's json-file format: one JSON object per line,
 * `{"log":"text\n","stream":"stdout","time":"2024-05-01T10:00:00.123456789Z"}`. Output is cut into
 * lines per stream; a line longer than 16 KiB is written in pieces without the newline (docker's
 * partial messages), and what is left when the container ends is written as it is.
 */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { OutputStream } from '../runtime/index.js';

export interface LogEntry {
  readonly log: string;
  readonly stream: OutputStream;
  readonly time: string;
}

export interface JsonLogWriter {
  write(stream: OutputStream, chunk: Buffer): void;
  /** Writes what is buffered and closes the file. */
  close(): Promise<void>;
}

const MAX_LINE = 16 * 1024;

/** Nanoseconds since the epoch as RFC 3339 in UTC, fraction digits without trailing zeros (Go's RFC3339Nano). */
export function formatLogTime(nanos: bigint): string {
  const seconds = new Date(Number(nanos / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${seconds}${fraction === '' ? '' : `.${fraction}`}Z`;
}

/** Appends entries to the log at `path` (created when missing). */
export function createJsonLogWriter(path: string): JsonLogWriter {
  const file = createWriteStream(path, { flags: 'a', mode: 0o640 });
  let failure: Error | undefined;
  file.on('error', (err) => {
    failure = err;
  });
  const pending: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  // Times have millisecond precision, nudged by a nanosecond where needed so they strictly increase.
  let last = 0n;
  const time = (): string => {
    const now = BigInt(Date.now()) * 1_000_000n;
    last = now > last ? now : last + 1n;
    return formatLogTime(last);
  };
  const emit = (stream: OutputStream, bytes: Buffer): void => {
    for (let start = 0; start < bytes.length; start += MAX_LINE) {
      const entry: LogEntry = { log: bytes.subarray(start, start + MAX_LINE).toString('utf8'), stream, time: time() };
      file.write(JSON.stringify(entry) + '\n');
    }
  };
  const write = (stream: OutputStream, chunk: Buffer): void => {
    let rest = chunk;
    for (;;) {
      const newline = rest.indexOf(0x0a);
      if (newline === -1) break;
      emit(stream, Buffer.concat([...pending[stream], rest.subarray(0, newline + 1)]));
      pending[stream] = [];
      rest = rest.subarray(newline + 1);
    }
    if (rest.length === 0) return;
    pending[stream].push(Buffer.from(rest));
    const buffered = Buffer.concat(pending[stream]);
    const whole = buffered.length - (buffered.length % MAX_LINE);
    emit(stream, buffered.subarray(0, whole));
    pending[stream] = whole < buffered.length ? [buffered.subarray(whole)] : [];
  };
  return {
    write,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const stream of ['stdout', 'stderr'] as const) {
          emit(stream, Buffer.concat(pending[stream]));
          pending[stream] = [];
        }
        file.end(() => {
          if (failure !== undefined) reject(failure);
          else resolve();
        });
      }),
  };
}

function parseEntry(line: string): LogEntry | undefined {
  try {
    const value = JSON.parse(line) as Partial<LogEntry>;
    if (typeof value.log !== 'string' || (value.stream !== 'stdout' && value.stream !== 'stderr')) return undefined;
    return { log: value.log, stream: value.stream, time: typeof value.time === 'string' ? value.time : '' };
  } catch {
    return undefined;
  }
}

export interface LogChunk {
  readonly entries: readonly LogEntry[];
  /** Where the next read starts: just after the last complete line. */
  readonly offset: number;
}

const READ_LIMIT = 1024 * 1024;

/**
 * The complete entries of the log from byte `offset` on, reading at most `limit` bytes (call again
 * from the returned offset for more; the offset stays put at the end of what is written). A line
 * still being written is left for later.
 */
export async function readLogEntries(path: string, offset = 0, limit = READ_LIMIT): Promise<LogChunk> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], offset };
    throw err;
  }
  try {
    const { size } = await handle.stat();
    if (size <= offset) return { entries: [], offset };
    const buffer = Buffer.alloc(Math.min(size - offset, limit));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    const data = buffer.subarray(0, bytesRead);
    const end = data.lastIndexOf(0x0a);
    if (end === -1) {
      // No newline in a whole read: not a line this writer makes (they are far shorter); skip it.
      return { entries: [], offset: bytesRead === limit ? offset + bytesRead : offset };
    }
    const entries: LogEntry[] = [];
    for (const line of data.subarray(0, end).toString('utf8').split('\n')) {
      const entry = parseEntry(line);
      if (entry !== undefined) entries.push(entry);
    }
    return { entries, offset: offset + end + 1 };
  } finally {
    await handle.close();
  }
}
