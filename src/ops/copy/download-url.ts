import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { BuildError, describeErrorChain } from '../../errors/index.js';
import type { Digest } from '../../oci/index.js';
import { toDigest } from '../../oci/index.js';
import { invalidCopyOption } from './copy-errors.js';

/** A file ADD fetched from an http(s) URL, waiting in a staging directory to be copied. */
export interface DownloadedFile {
  readonly url: string;
  /** The staging directory and the file's name in it. */
  readonly dir: string;
  readonly name: string;
  readonly digest: Digest;
  readonly size: number;
  /** From Last-Modified, else the Unix epoch (as BuildKit). */
  readonly mtime: Date;
}

export interface DownloadUrlOptions {
  /** An empty directory to download into (the caller removes it). */
  readonly dir: string;
  /** `--checksum=sha256:<hex>`: the content must have this digest. */
  readonly checksum?: string;
  readonly signal?: AbortSignal;
  /** The fetch to use (tests and proxies); the global one by default. */
  readonly fetch?: typeof fetch;
}

/** A URL without its user:password part, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** `--checksum` as ADD takes it for an http(s) source: `sha256:` and 64 hex digits. */
export function parseChecksum(text: string): Digest {
  const match = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-fA-F0-9]+)$/.exec(text);
  if (match === null) throw invalidCopyOption(`invalid checksum digest format: ${JSON.stringify(text)}`, { checksum: text }, 'write it as sha256:<64 hex digits>');
  if (match[1] !== 'sha256' || match[2]?.length !== 64) {
    throw invalidCopyOption(`unsupported checksum ${JSON.stringify(text)}: ADD checks the SHA-256 of a download`, { checksum: text }, 'write it as sha256:<64 hex digits>');
  }
  return toDigest(`sha256:${match[2].toLowerCase()}`);
}

/** BuildKit's SafeFileName: a plain base name, `download` when there is none. */
function safeFileName(name: string): string {
  const trimmed = name.trim();
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  // eslint-disable-next-line no-control-regex
  if (base === '' || base === '.' || base === '..' || /[\u0000-\u001f\u007f-\u009f]/.test(base)) return 'download';
  return base;
}

/** The file name the Dockerfile frontend gives a download: the URL path's last element, else `__unnamed__`. */
export function urlFileName(url: string): string {
  let base = '__unnamed__';
  try {
    const path = decodeURIComponent(new URL(url).pathname);
    const trimmed = path.replace(/\/+$/, '');
    const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
    if (last !== '' && last !== '.') base = last;
  } catch {
    // an unparsable URL keeps the default, as in BuildKit
  }
  return safeFileName(base);
}

function failed(url: string, message: string, cause?: unknown): BuildError<'DOWNLOAD_FAILED'> {
  const shown = redactUrl(url);
  return new BuildError('DOWNLOAD_FAILED', `failed to download ${shown}: ${message}`, {
    details: { url: shown },
    ...(cause !== undefined ? { cause } : {}),
  });
}

/**
 * Downloads an ADD source to `dir` as BuildKit's http source does: the body is streamed to a file
 * with mode 0600 while it is hashed, the mtime comes from Last-Modified (else the epoch), and a
 * `--checksum` that does not match is CHECKSUM_MISMATCH (the file is not used). The name is the
 * URL path's last element: the Dockerfile frontend always names the file, so Content-Disposition
 * does not matter.
 */
export async function downloadUrl(url: string, options: DownloadUrlOptions): Promise<DownloadedFile> {
  const expected = options.checksum !== undefined ? parseChecksum(options.checksum) : undefined;
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { redirect: 'follow', ...(options.signal !== undefined ? { signal: options.signal } : {}) });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw failed(url, describeErrorChain(error), error);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw failed(url, `invalid response status ${String(response.status)}`);
  }
  const name = urlFileName(url);
  const path = join(options.dir, name);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    const file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    await pipeline(body, meter, file, options.signal !== undefined ? { signal: options.signal } : {});
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw failed(url, describeErrorChain(error), error);
  }
  const digest = toDigest('sha256:' + hash.digest('hex'));
  if (expected !== undefined && digest !== expected) {
    throw new BuildError('CHECKSUM_MISMATCH', `digest mismatch for ${redactUrl(url)}: ${digest} (expected: ${expected})`, {
      details: { url: redactUrl(url), expected, actual: digest },
      hint: 'the file at that URL changed, or --checksum is wrong',
    });
  }
  const lastModified = response.headers.get('last-modified');
  const parsed = lastModified === null ? Number.NaN : Date.parse(lastModified);
  const mtime = Number.isNaN(parsed) ? new Date(0) : new Date(parsed);
  await utimes(path, mtime, mtime);
  return { url, dir: options.dir, name, digest, size, mtime };
}
