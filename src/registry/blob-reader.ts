import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { BuildError } from '../errors/index.js';
import { digestAlgorithm } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import type { RegistryClient } from './client.js';
import { describeTarget, errorFromNetwork, protocolError } from './registry-error.js';
import type { RegistryContext } from './registry-error.js';
import { DEFAULT_RETRY, isAbortError, isRetryableNetworkError, retryDelay, sleep } from './retry.js';
import type { RetryPolicy } from './retry.js';
import { repositoryScope } from './token.js';

export interface OpenBlobOptions {
  readonly repository: string;
  readonly digest: Digest;
  /** The size the descriptor gives; more or fewer bytes is a DIGEST_MISMATCH. */
  readonly size: number;
  readonly signal?: AbortSignal;
  /** How often a dropped body is resumed (with a Range request) before giving up. */
  readonly resume?: RetryPolicy;
  readonly onProgress?: (received: number) => void;
  readonly onResume?: (offset: number, reason: string) => void;
}

function mismatch(ctx: RegistryContext, problem: string, client: RegistryClient): BuildError {
  return new BuildError('DIGEST_MISMATCH', client.redactor.apply(`${ctx.what} from ${describeTarget(ctx)}: ${problem}`), {
    hint: 'the registry (or something between it and us) served corrupt data; nothing of it was kept',
    details: { registry: ctx.registry, repository: ctx.repository },
  });
}

function contentRangeStart(header: string | null): number | undefined {
  const match = /^bytes (\d+)-/.exec(header ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

async function* readBlob(client: RegistryClient, options: OpenBlobOptions): AsyncGenerator<Uint8Array> {
  const ctx: RegistryContext = { registry: client.registry, repository: options.repository, what: `blob ${options.digest}` };
  const policy = options.resume ?? DEFAULT_RETRY;
  const hash = createHash(digestAlgorithm(options.digest));
  let offset = 0;
  for (let attempt = 1; ; attempt++) {
    const response = await client.send({
      method: 'GET',
      url: `/v2/${options.repository}/blobs/${options.digest}`,
      // identity: fetch would otherwise undo a Content-Encoding and the digest would not match
      headers: offset > 0 ? { Range: `bytes=${offset}-`, 'Accept-Encoding': 'identity' } : { 'Accept-Encoding': 'identity' },
      scopes: [repositoryScope(options.repository, ['pull'])],
      expect: [200, 206],
      ctx,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    // a server that ignores Range sends the whole blob again: skip what we already have
    let skip = 0;
    if (offset > 0) {
      if (response.status === 200) skip = offset;
      else if (contentRangeStart(response.headers.get('content-range')) !== offset) {
        await response.body?.cancel();
        throw protocolError(ctx, `asked to resume at byte ${offset}, got range ${response.headers.get('content-range') ?? '(none)'}`, client.redactor);
      }
    }
    if (response.body === null) throw protocolError(ctx, 'the response has no body', client.redactor);
    try {
      for await (const raw of response.body as AsyncIterable<Uint8Array>) {
        let chunk = raw;
        if (skip > 0) {
          const drop = Math.min(skip, chunk.byteLength);
          skip -= drop;
          chunk = chunk.subarray(drop);
          if (chunk.byteLength === 0) continue;
        }
        offset += chunk.byteLength;
        if (offset > options.size) throw mismatch(ctx, `got more than the ${options.size} bytes its descriptor gives`, client);
        hash.update(chunk);
        yield chunk;
        options.onProgress?.(offset);
      }
      break;
    } catch (err) {
      if (err instanceof BuildError || isAbortError(err)) throw err;
      if (attempt < policy.attempts && isRetryableNetworkError(err)) {
        options.onResume?.(offset, 'the connection dropped');
        await sleep(retryDelay(policy, attempt), options.signal);
        continue;
      }
      throw errorFromNetwork(err, { ...ctx, what: `${ctx.what} (cut off after ${offset} of ${options.size} bytes)` }, {
        redactor: client.redactor,
        attempts: attempt,
      });
    }
  }
  if (offset !== options.size) throw mismatch(ctx, `got ${offset} bytes, its descriptor gives ${options.size}`, client);
  const actual = `${digestAlgorithm(options.digest)}:${hash.digest('hex')}`;
  if (actual !== options.digest) throw mismatch(ctx, `the content hashes to ${actual}`, client);
}

/**
 * A blob as a stream that verifies as it goes: the bytes are hashed while they flow, a dropped
 * connection resumes with a Range request (bounded), and the stream fails with DIGEST_MISMATCH
 * (instead of ending) when the size or the digest is wrong, so a consumer never sees a clean end
 * of bad data.
 */
export function openBlob(client: RegistryClient, options: OpenBlobOptions): Readable {
  return Readable.from(readBlob(client, options), { objectMode: false });
}

/** Reads a small blob (a config) whole, verified; refuses one larger than `limit` bytes. */
export async function readSmallBlob(client: RegistryClient, options: OpenBlobOptions & { readonly limit: number }): Promise<Buffer> {
  if (options.size > options.limit) {
    throw new BuildError('MANIFEST_TOO_LARGE', `blob ${options.digest} in ${client.registry}/${options.repository} is ${options.size} bytes, over the ${options.limit}-byte limit`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of openBlob(client, options)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

