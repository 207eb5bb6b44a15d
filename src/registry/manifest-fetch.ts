import { createHash } from 'node:crypto';
import { BuildError } from '../errors/index.js';
import { MediaType, digestAlgorithm, isDigest, isIndexType, isManifestType, toDigest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import type { RegistryClient } from './client.js';
import { describeTarget, protocolError } from './registry-error.js';
import type { RegistryContext } from './registry-error.js';
import { repositoryScope } from './token.js';

/** The largest manifest accepted (the limit containerd and the distribution spec's guidance use). */
export const MAX_MANIFEST_SIZE = 4 * 1024 * 1024;

/** The manifest types asked for, OCI first. */
export const MANIFEST_ACCEPT = [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList].join(', ');

/** A manifest or index as served: its exact bytes, media type and digest (verified). */
export interface FetchedManifest {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  readonly digest: Digest;
}

function tooLarge(ctx: RegistryContext, size: number | string): BuildError {
  return new BuildError('MANIFEST_TOO_LARGE', `${ctx.what} from ${describeTarget(ctx)} is ${size} bytes, over the ${MAX_MANIFEST_SIZE}-byte limit`, {
    hint: 'a manifest this large is refused, as containerd and docker refuse it',
    details: { registry: ctx.registry, repository: ctx.repository },
  });
}

async function readLimited(response: Response, ctx: RegistryContext): Promise<Buffer> {
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (length > MAX_MANIFEST_SIZE) {
    await response.body?.cancel();
    throw tooLarge(ctx, length);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_MANIFEST_SIZE) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge(ctx, `more than ${MAX_MANIFEST_SIZE}`);
      }
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}

const SCHEMA1 = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

/** The media type of a manifest: the header when it names a known type, else the body's own. */
export function manifestMediaType(contentType: string | null, body: unknown): string | undefined {
  const header = (contentType ?? '').split(';')[0]?.trim() ?? '';
  if (isManifestType(header) || isIndexType(header) || SCHEMA1.has(header)) return header;
  if (typeof body !== 'object' || body === null) return undefined;
  const declared = (body as { mediaType?: unknown }).mediaType;
  if (typeof declared === 'string' && declared !== '') return declared;
  if ((body as { schemaVersion?: unknown }).schemaVersion === 1) return 'application/vnd.docker.distribution.manifest.v1+json';
  if (Array.isArray((body as { manifests?: unknown }).manifests)) return MediaType.ociIndex;
  if (typeof (body as { config?: unknown }).config === 'object') return MediaType.ociManifest;
  return undefined;
}

/**
 * GETs a manifest by tag or digest with content negotiation; refuses one over 4 MiB (by header
 * and while reading); verifies the bytes against the digest asked for, or against the
 * `Docker-Content-Digest` the registry sent.
 */
export async function fetchManifest(
  client: RegistryClient,
  repository: string,
  target: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<FetchedManifest> {
  const ctx: RegistryContext = { registry: client.registry, repository, what: `manifest ${target}` };
  const response = await client.send({
    method: 'GET',
    url: `/v2/${repository}/manifests/${target}`,
    headers: { Accept: MANIFEST_ACCEPT },
    scopes: [repositoryScope(repository, ['pull'])],
    expect: [200],
    ctx,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const bytes = await readLimited(response, ctx);
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw protocolError(ctx, 'the manifest is not JSON', client.redactor);
  }
  const mediaType = manifestMediaType(response.headers.get('content-type'), body);
  if (mediaType !== undefined && SCHEMA1.has(mediaType)) {
    throw protocolError(ctx, 'the registry only offers a Docker schema 1 manifest, which is not supported', client.redactor);
  }
  if (mediaType === undefined || (!isManifestType(mediaType) && !isIndexType(mediaType))) {
    throw protocolError(ctx, `unsupported manifest media type ${JSON.stringify(mediaType ?? response.headers.get('content-type'))}`, client.redactor);
  }
  const headerDigest = response.headers.get('docker-content-digest');
  const expected = isDigest(target) ? target : headerDigest !== null && isDigest(headerDigest) ? headerDigest : undefined;
  const algorithm = expected === undefined ? 'sha256' : digestAlgorithm(expected);
  const actual = toDigest(`${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`);
  if (expected !== undefined && actual !== expected) {
    throw new BuildError('DIGEST_MISMATCH', `${ctx.what} from ${describeTarget(ctx)}: expected ${expected}, the content hashes to ${actual}`, {
      details: { registry: ctx.registry, repository },
    });
  }
  // the image digest is always sha256 of the bytes, whatever algorithm checked them
  const digest = algorithm === 'sha256' ? actual : toDigest(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  return { bytes, mediaType, digest };
}
