import type { Readable } from 'node:stream';
import { BuildError, isBuildError } from '../errors/index.js';
import type { Digest } from '../oci/index.js';
import type { RegistryClient } from './client.js';
import { protocolError } from './registry-error.js';
import type { RegistryContext } from './registry-error.js';
import { DEFAULT_RETRY, isAbortError, retryDelay, sleep } from './retry.js';
import type { RetryPolicy } from './retry.js';
import { repositoryScope } from './token.js';
import { chunksOf } from './chunks.js';
import { countBytes } from './count-bytes.js';

export interface UploadBlobOptions {
  readonly repository: string;
  readonly digest: Digest;
  readonly size: number;
  /** Opens the blob from its start; called again for every retry. */
  readonly open: () => Promise<Readable>;
  /** Repositories on the same registry that may hold the blob (tried with a cross-repository mount). */
  readonly mountFrom?: readonly string[];
  /** Blobs larger than this go up in PATCH chunks (default 128 MiB). */
  readonly chunkThreshold?: number;
  /** The size of one PATCH chunk (default 32 MiB). */
  readonly chunkSize?: number;
  readonly retry?: RetryPolicy;
  readonly signal?: AbortSignal;
  readonly onProgress?: (bytes: number) => void;
}

/** How a blob got there: it was there, it was mounted from `from`, or its bytes were sent. */
export type UploadOutcome = { readonly kind: 'exists' } | { readonly kind: 'mounted'; readonly from: string } | { readonly kind: 'pushed' };

const DEFAULT_CHUNK_THRESHOLD = 128 * 1024 * 1024;
const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;

function withDigest(location: string, digest: Digest): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}

interface Session {
  readonly client: RegistryClient;
  readonly options: UploadBlobOptions;
  readonly ctx: RegistryContext;
  readonly scopes: readonly string[];
}

function locationOf(response: Response, session: Session, base: string): string {
  const location = response.headers.get('location');
  if (location === null || location === '') throw protocolError(session.ctx, `the registry answered ${response.status} without a Location`, session.client.redactor);
  return new URL(location, base).toString();
}

function signalOf(options: UploadBlobOptions): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}

/** Whether the blob is already in the repository (HEAD). */
export async function blobExists(client: RegistryClient, repository: string, digest: Digest, signal?: AbortSignal): Promise<boolean> {
  const response = await client.send({
    method: 'HEAD',
    url: `/v2/${repository}/blobs/${digest}`,
    scopes: [repositoryScope(repository, ['pull', 'push'])],
    expect: [200, 404],
    ctx: { registry: client.registry, repository, what: `blob ${digest}` },
    ...(signal === undefined ? {} : { signal }),
  });
  await response.body?.cancel();
  return response.status === 200;
}

/** Starts an upload (with a mount attempt when `from` is given): the upload URL, or 'mounted'. */
async function startUpload(session: Session, base: string, from: string | undefined): Promise<{ readonly location: string } | 'mounted'> {
  const { client, options } = session;
  const query = from === undefined ? '' : `?mount=${encodeURIComponent(options.digest)}&from=${encodeURIComponent(from)}`;
  const response = await client.send({
    method: 'POST',
    url: `/v2/${options.repository}/blobs/uploads/${query}`,
    headers: { 'Content-Length': '0' },
    scopes: from === undefined ? session.scopes : [...session.scopes, repositoryScope(from, ['pull'])],
    expect: from === undefined ? [202] : [201, 202],
    ctx: session.ctx,
    ...signalOf(options),
  });
  await response.body?.cancel();
  if (response.status === 201) return 'mounted';
  return { location: locationOf(response, session, base) };
}

async function finish(session: Session, location: string, body: Readable | undefined, length: number): Promise<void> {
  const { client, options } = session;
  const response = await client.send({
    method: 'PUT',
    url: withDigest(location, options.digest),
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(length) },
    ...(body === undefined ? {} : { body: () => body }),
    scopes: session.scopes,
    expect: [201],
    ctx: session.ctx,
    retry: false,
    ...signalOf(options),
  });
  await response.body?.cancel();
  const stored = response.headers.get('docker-content-digest');
  if (stored !== null && stored !== '' && stored !== options.digest) {
    throw new BuildError('DIGEST_MISMATCH', `blob ${options.digest} pushed to ${client.registry}/${options.repository} was stored as ${stored}`);
  }
}

async function uploadChunked(session: Session, firstLocation: string, source: Readable): Promise<void> {
  const { client, options } = session;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  let location = firstLocation;
  let offset = 0;
  for (const chunk of chunksOf(source, options.size, chunkSize)) {
    const response = await client.send({
      method: 'PATCH',
      url: location,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(chunk.length),
        'Content-Range': `${offset}-${offset + chunk.length - 1}`,
      },
      body: () => chunk.body(),
      scopes: session.scopes,
      expect: [202],
      ctx: session.ctx,
      retry: false,
      ...signalOf(options),
    });
    await response.body?.cancel();
    location = locationOf(response, session, location);
    offset += chunk.length;
    options.onProgress?.(offset);
  }
  await finish(session, location, undefined, 0);
}

function isTransient(err: unknown): boolean {
  if (!isBuildError(err)) return false;
  if (err.code === 'REGISTRY_UNREACHABLE') return true;
  // an upload session the registry lost (expired, or a restart) is started afresh
  const errors = err.details['errors'];
  return Array.isArray(errors) && errors.some((e: { code?: unknown }) => e.code === 'BLOB_UPLOAD_UNKNOWN');
}

/**
 * Puts one blob into a repository as the distribution spec lays out: HEAD to skip a blob already
 * there; a cross-repository mount when a source repository is known; else POST for an upload
 * URL and then one PUT with the bytes (monolithic) or, above the threshold, PATCH chunks with
 * Content-Range and a closing PUT. A failed upload (5xx, a dropped connection) starts over with a
 * fresh session, up to the retry policy.
 */
export async function uploadBlob(client: RegistryClient, options: UploadBlobOptions): Promise<UploadOutcome> {
  const ctx: RegistryContext = { registry: client.registry, repository: options.repository, what: `upload of blob ${options.digest}` };
  const session: Session = { client, options, ctx, scopes: [repositoryScope(options.repository, ['pull', 'push'])] };
  if (await blobExists(client, options.repository, options.digest, options.signal)) return { kind: 'exists' };
  const { base } = await client.ping(options.signal);
  const policy = options.retry ?? DEFAULT_RETRY;
  const from = options.mountFrom?.find((r) => r !== options.repository);
  for (let attempt = 1; ; attempt++) {
    try {
      const started = await startUpload(session, base, attempt === 1 ? from : undefined);
      if (started === 'mounted') return { kind: 'mounted', from: from ?? '' };
      const source = await options.open();
      try {
        if (options.size > (options.chunkThreshold ?? DEFAULT_CHUNK_THRESHOLD)) await uploadChunked(session, started.location, source);
        else {
          const body = options.onProgress === undefined ? source : countBytes(source, options.onProgress);
          await finish(session, started.location, body, options.size);
        }
      } finally {
        source.destroy();
      }
      return { kind: 'pushed' };
    } catch (err) {
      if (isAbortError(err) || attempt >= policy.attempts || !isTransient(err)) throw err;
      await sleep(retryDelay(policy, attempt), options.signal);
    }
  }
}
