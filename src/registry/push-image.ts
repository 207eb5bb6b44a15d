import { Readable } from 'node:stream';
import { sha256Digest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import type { Image, Layer } from '../image/types.js';
import { mapBounded } from './bounded.js';
import { RegistryClientPool } from './client-pool.js';
import type { CredentialOptions } from './credentials.js';
import type { PushProgress } from './progress.js';
import { EMPTY_REGISTRIES_CONFIG } from './registries-conf.js';
import type { RegistriesConfig } from './registries-conf.js';
import { layerSource } from './remote-image.js';
import { formatRemoteReference } from './remote-reference.js';
import type { RemoteReference } from './remote-reference.js';
import { pushEndpoint } from './resolve-endpoints.js';
import type { RetryPolicy } from './retry.js';
import { repositoryScope } from './token.js';
import { uploadBlob } from './upload-blob.js';
import type { UploadBlobOptions, UploadOutcome } from './upload-blob.js';

export interface PushOptions {
  readonly clients?: RegistryClientPool;
  readonly credentials?: CredentialOptions | false;
  readonly registriesConfig?: RegistriesConfig;
  readonly retry?: RetryPolicy;
  /** Layers uploaded at once (default 3). */
  readonly concurrency?: number;
  /** Other repositories on the destination registry to try mounting every layer from. */
  readonly mountFrom?: readonly string[];
  readonly chunkThreshold?: number;
  readonly chunkSize?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PushProgress) => void;
}

export interface PushResult {
  /** The manifest digest, as the registry now serves it. */
  readonly digest: Digest;
  /** The manifest size in bytes. */
  readonly size: number;
  /** Where it went (after registries.conf rewrites). */
  readonly registry: string;
  readonly repository: string;
  readonly outcomes: readonly UploadOutcome[];
}

interface BlobToPush {
  readonly digest: Digest;
  readonly size: number;
  readonly open: () => Promise<Readable>;
  readonly mountFrom: readonly string[];
}

async function describeLayer(layer: Layer, registry: string, extra: readonly string[]): Promise<BlobToPush> {
  const source = layerSource(layer);
  const from = source !== undefined && source.registry === registry ? [source.repository] : [];
  return { digest: await layer.digest(), size: await layer.size(), open: () => layer.open(), mountFrom: [...from, ...extra] };
}

/**
 * Pushes an image to `ref`: the config and the layers (in parallel, bounded; each skipped when the
 * registry has it, mounted when it is known to be in another repository there, else uploaded),
 * then the manifest, under the tag (or by digest when `ref` has no tag).
 */
export async function pushImage(image: Image, ref: RemoteReference, options: PushOptions = {}): Promise<PushResult> {
  const clients = options.clients ?? new RegistryClientPool({
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  const endpoint = pushEndpoint(options.registriesConfig ?? EMPTY_REGISTRIES_CONFIG, ref);
  const client = clients.get(endpoint.registry, endpoint.insecure);
  const { repository } = endpoint;
  const signal = options.signal === undefined ? {} : { signal: options.signal };

  const rawConfig = await image.rawConfig();
  const manifest = await image.manifest();
  const configBlob: BlobToPush = {
    digest: manifest.config.digest,
    size: rawConfig.byteLength,
    open: () => Promise.resolve(Readable.from([Buffer.from(rawConfig)])),
    mountFrom: [],
  };
  const extra = options.mountFrom ?? [];
  const layers = await Promise.all((await image.layers()).map((l) => describeLayer(l, endpoint.registry, extra)));
  const seen = new Set<Digest>();
  const blobs = [...layers, configBlob].filter((b) => (seen.has(b.digest) ? false : (seen.add(b.digest), true)));
  for (const blob of blobs) options.onEvent?.({ type: 'preparing', digest: blob.digest, size: blob.size });

  const outcomes = await mapBounded(blobs, options.concurrency ?? 3, async (blob) => {
    const upload: UploadBlobOptions = {
      repository,
      digest: blob.digest,
      size: blob.size,
      open: blob.open,
      mountFrom: blob.mountFrom,
      ...(options.chunkThreshold === undefined ? {} : { chunkThreshold: options.chunkThreshold }),
      ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...signal,
      onProgress: (current) => options.onEvent?.({ type: 'blob-progress', digest: blob.digest, current, total: blob.size }),
    };
    const outcome = await uploadBlob(client, upload);
    if (outcome.kind === 'exists') options.onEvent?.({ type: 'blob-exists', digest: blob.digest, size: blob.size });
    else if (outcome.kind === 'mounted') options.onEvent?.({ type: 'blob-mounted', digest: blob.digest, size: blob.size, from: outcome.from });
    else options.onEvent?.({ type: 'blob-pushed', digest: blob.digest, size: blob.size });
    return outcome;
  });

  const bytes = await image.rawManifest();
  const digest = sha256Digest(bytes);
  const target = ref.tag ?? ref.digest ?? digest;
  const response = await client.send({
    method: 'PUT',
    url: `/v2/${repository}/manifests/${target}`,
    headers: { 'Content-Type': await image.mediaType() },
    body: () => Buffer.from(bytes),
    scopes: [repositoryScope(repository, ['pull', 'push'])],
    expect: [201],
    ctx: { registry: endpoint.registry, repository, what: `manifest ${target}` },
    ...signal,
  });
  await response.body?.cancel();
  options.onEvent?.({ type: 'manifest-pushed', reference: formatRemoteReference(ref), digest, size: bytes.byteLength });
  return { digest, size: bytes.byteLength, registry: endpoint.registry, repository, outcomes };
}
