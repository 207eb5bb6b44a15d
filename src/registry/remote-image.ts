import { arch, platform as osPlatform } from 'node:os';
import type { Readable } from 'node:stream';
import { BuildError, isBuildError } from '../errors/index.js';
import { hostPlatform, layerCompression } from '../oci/index.js';
import type { Descriptor, Digest, ImageConfig, ImageManifest, Platform } from '../oci/index.js';
import { decompress, MAX_CONFIG_BYTES, parseConfig, parseManifest, selectManifest } from '../image/index.js';
import type { Image, Layer } from '../image/index.js';
import { openBlob, readSmallBlob } from './blob-reader.js';
import type { RegistryClient } from './client.js';
import { RegistryClientPool } from './client-pool.js';
import type { CredentialOptions } from './credentials.js';
import { fetchManifest } from './manifest-fetch.js';
import type { FetchedManifest } from './manifest-fetch.js';
import type { PullProgress } from './progress.js';
import { EMPTY_REGISTRIES_CONFIG } from './registries-conf.js';
import type { RegistriesConfig } from './registries-conf.js';
import { protocolError } from './registry-error.js';
import { formatRemoteReference, manifestTarget } from './remote-reference.js';
import type { RemoteReference } from './remote-reference.js';
import { pullEndpoints } from './resolve-endpoints.js';
import type { Endpoint } from './resolve-endpoints.js';
import type { RetryPolicy } from './retry.js';

/** Options shared by every remote operation. */
export interface RemoteOptions {
  /** A pool shared across operations (tokens and pings are reused); one is made when omitted. */
  readonly clients?: RegistryClientPool;
  /** Where credentials come from (used when `clients` is omitted); false for anonymous only. */
  readonly credentials?: CredentialOptions | false;
  readonly registriesConfig?: RegistriesConfig;
  readonly retry?: RetryPolicy;
  /** The platform to pick from an index; the host's when omitted. */
  readonly platform?: Platform;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PullProgress) => void;
}

/** Where a layer of a remote image lives (so a push to the same registry can mount it). */
export interface LayerSource {
  readonly registry: string;
  readonly repository: string;
}

const layerSources = new WeakMap<Layer, LayerSource>();

/** The registry and repository a layer was read from, if it came from remoteImage(). */
export function layerSource(layer: Layer): LayerSource | undefined {
  return layerSources.get(layer);
}

/** An Image read lazily from a registry, and where it was found. */
export interface RemoteImage extends Image {
  readonly endpoint: Endpoint;
  readonly reference: RemoteReference;
}

function sourceName(client: RegistryClient, repository: string, what: string): string {
  return `${client.registry}/${repository}@${what}`;
}

async function resolveImageManifest(
  client: RegistryClient,
  endpoint: Endpoint,
  ref: RemoteReference,
  options: RemoteOptions,
): Promise<{ fetched: FetchedManifest; manifest: ImageManifest }> {
  const wanted = options.platform ?? hostPlatform(osPlatform(), arch());
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  let fetched = await fetchManifest(client, endpoint.repository, manifestTarget(ref), signal);
  for (let depth = 0; ; depth++) {
    const parsed = parseManifest(fetched.bytes, { source: sourceName(client, endpoint.repository, fetched.digest), mediaType: fetched.mediaType });
    if (parsed.kind === 'manifest') return { fetched, manifest: parsed.manifest };
    if (depth >= 2) {
      throw protocolError({ registry: client.registry, repository: endpoint.repository, what: `index ${fetched.digest}` }, 'indexes nested too deep', client.redactor);
    }
    const chosen = selectManifest(parsed.index, wanted, { source: `${client.registry}/${endpoint.repository}:${manifestTarget(ref)}` });
    fetched = await fetchManifest(client, endpoint.repository, chosen.digest, signal);
  }
}

function makeLayer(client: RegistryClient, repository: string, d: Descriptor, diffId: () => Promise<Digest>, options: RemoteOptions): Layer {
  const open = (): Promise<Readable> =>
    Promise.resolve(
      openBlob(client, {
        repository,
        digest: d.digest,
        size: d.size,
        ...(options.retry === undefined ? {} : { resume: options.retry }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onResume: (offset, reason) => options.onEvent?.({ type: 'layer-retry', digest: d.digest, offset, message: reason }),
      }),
    );
  const layer: Layer = {
    digest: () => Promise.resolve(d.digest),
    diffId,
    size: () => Promise.resolve(d.size),
    mediaType: () => Promise.resolve(d.mediaType),
    open,
    openUncompressed: async () => decompress(await open(), layerCompression(d.mediaType) ?? 'none', `layer ${d.digest}`),
  };
  layerSources.set(layer, { registry: client.registry, repository });
  return layer;
}

function buildImage(client: RegistryClient, endpoint: Endpoint, ref: RemoteReference, resolved: { fetched: FetchedManifest; manifest: ImageManifest }, options: RemoteOptions): RemoteImage {
  const repo = endpoint.repository;
  const { fetched, manifest } = resolved;
  let rawConfig: Promise<Buffer> | undefined;
  const getRawConfig = (): Promise<Buffer> => {
    rawConfig ??= readSmallBlob(client, {
      repository: repo,
      digest: manifest.config.digest,
      size: manifest.config.size,
      limit: MAX_CONFIG_BYTES,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return rawConfig;
  };
  let config: Promise<ImageConfig> | undefined;
  const getConfig = (): Promise<ImageConfig> => {
    config ??= getRawConfig().then((raw) => parseConfig(raw, { source: sourceName(client, repo, manifest.config.digest) }));
    return config;
  };
  const layers = manifest.layers.map((descriptor, i) => {
    const diffId = async (): Promise<Digest> => {
      const id = (await getConfig()).rootfs.diff_ids[i];
      if (id === undefined) {
        throw protocolError({ registry: client.registry, repository: repo, what: `config ${manifest.config.digest}` }, 'it lists fewer diff_ids than the manifest has layers', client.redactor);
      }
      return id;
    };
    return makeLayer(client, repo, descriptor, diffId, options);
  });
  return {
    endpoint,
    reference: ref,
    rawManifest: () => Promise.resolve(fetched.bytes),
    manifest: () => Promise.resolve(manifest),
    digest: () => Promise.resolve(fetched.digest),
    mediaType: () => Promise.resolve(fetched.mediaType),
    rawConfig: getRawConfig,
    config: getConfig,
    layers: () => Promise.resolve(layers),
  };
}

/** Whether a failure at a mirror should fall through to the next endpoint. */
function fallsThrough(err: unknown): boolean {
  return isBuildError(err) && ['REGISTRY_NOT_FOUND', 'REGISTRY_UNREACHABLE', 'REGISTRY_UNAUTHORIZED', 'REGISTRY_PROTOCOL', 'NO_MATCHING_PLATFORM', 'INVALID_IMAGE'].includes(err.code);
}

/**
 * The image `ref` names, as a lazy view: the manifest is resolved now (mirrors from registries.conf
 * first, then the primary location; an index narrowed to the wanted platform), the config and
 * layers are fetched when read, each blob verified against its digest while it streams.
 */
export async function remoteImage(ref: RemoteReference, options: RemoteOptions = {}): Promise<RemoteImage> {
  const clients = options.clients ?? new RegistryClientPool({
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  const endpoints = pullEndpoints(options.registriesConfig ?? EMPTY_REGISTRIES_CONFIG, ref);
  const failures: string[] = [];
  for (const [i, endpoint] of endpoints.entries()) {
    const client = clients.get(endpoint.registry, endpoint.insecure);
    try {
      const resolved = await resolveImageManifest(client, endpoint, ref, options);
      const digest = resolved.fetched.digest;
      options.onEvent?.({ type: 'resolved', reference: formatRemoteReference(ref), endpoint: `${endpoint.registry}/${endpoint.repository}`, mirror: endpoint.mirror, digest });
      return buildImage(client, endpoint, ref, resolved, options);
    } catch (err) {
      if (i === endpoints.length - 1 || !endpoint.mirror || !fallsThrough(err)) {
        if (failures.length > 0 && isBuildError(err)) {
          throw new BuildError(err.code, err.message, { ...(err.hint === undefined ? {} : { hint: err.hint }), details: { ...err.details, mirrorsTried: failures } });
        }
        throw err;
      }
      const message = (err as BuildError).message;
      failures.push(message);
      options.onEvent?.({ type: 'endpoint-failed', endpoint: `${endpoint.registry}/${endpoint.repository}`, message });
    }
  }
  throw new Error('unreachable: pullEndpoints returns at least one endpoint');
}
