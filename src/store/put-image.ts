import { BuildError } from '../errors/index.js';
import type { Image } from '../image/types.js';
import { isIndexType, parseReference, sha256Digest } from '../oci/index.js';
import type { Digest, ImageConfig, ImageManifest } from '../oci/index.js';
import type { StoreParts } from './parts.js';
import { manifestMediaType, parseStoredJson } from './store-image.js';
import type { PutImageOptions } from './types.js';

const LAYER_CONCURRENCY = 3;

/** Runs `fn` over `items` with at most `limit` running at once; fails fast on the first error. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await fn(items[index] as T, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The normalised names to point at an image: tags, and digest references (which must match). */
export function referenceNames(texts: readonly string[], digest: Digest): string[] {
  return texts.map((text) => {
    const ref = parseReference(text);
    if (ref.digest === undefined) return `${ref.name}:${ref.tag ?? 'latest'}`;
    if (ref.digest !== digest) {
      throw new BuildError('INVALID_REFERENCE', `reference ${text} names digest ${ref.digest}, but the image is ${digest}`, {
        details: { reference: text, digest },
      });
    }
    return `${ref.name}@${ref.digest}`;
  });
}

function isImageManifest(value: unknown): value is ImageManifest {
  const v = value as Partial<ImageManifest> | null;
  return typeof v === 'object' && v !== null && typeof v.config?.digest === 'string' && Array.isArray(v.layers);
}

/**
 * Copies an image into the store: every layer not already present (streamed, verified against its
 * descriptor), then the config, then the manifest, so a manifest in the store always has its
 * content beside it; then the image record and the references. All blobs are leased first, so a
 * concurrent prune can neither remove what we skip as present nor what we just wrote.
 */
export async function putImage(parts: StoreParts, image: Image, options: PutImageOptions = {}): Promise<Digest> {
  const { signal } = options;
  const raw = await image.rawManifest();
  const digest = sha256Digest(raw);
  const claimed = await image.digest();
  if (claimed !== digest) {
    throw new BuildError('DIGEST_MISMATCH', `the image says its manifest is ${claimed}, but the manifest bytes hash to ${digest}; nothing was stored`, {
      details: { expected: claimed, actual: digest },
    });
  }
  const manifest = parseStoredJson(raw, digest, 'manifest');
  if (!isImageManifest(manifest) || isIndexType(String((manifest as { mediaType?: unknown }).mediaType))) {
    throw new BuildError('INVALID_IMAGE', `${digest} is not an image manifest (an index must be resolved to one platform before it is stored)`, {
      details: { digest },
    });
  }
  const names = referenceNames(options.tags ?? [], digest);
  const rawConfig = await image.rawConfig();
  const configDigest = sha256Digest(rawConfig);
  if (configDigest !== manifest.config.digest || rawConfig.byteLength !== manifest.config.size) {
    throw new BuildError('DIGEST_MISMATCH', `the image config hashes to ${configDigest} (${rawConfig.byteLength} bytes), but the manifest names ${manifest.config.digest} (${manifest.config.size} bytes); nothing was stored`, {
      details: { expected: manifest.config.digest, actual: configDigest },
    });
  }
  const config = parseStoredJson(rawConfig, configDigest, 'config') as ImageConfig;
  const layers = await image.layers();
  if (layers.length !== manifest.layers.length) {
    throw new BuildError('INVALID_IMAGE', `image ${digest} has ${manifest.layers.length} layers in its manifest but ${layers.length} layer objects`, { details: { digest } });
  }

  const leased = [digest, configDigest, ...manifest.layers.map((l) => l.digest)];
  const lease = options.lease ?? (await parts.leases.create(leased));
  try {
    if (options.lease !== undefined) await options.lease.add(leased);
    await forEachLimited(manifest.layers, LAYER_CONCURRENCY, async (descriptor, index) => {
      signal?.throwIfAborted();
      if ((await parts.blobs.size(descriptor.digest)) === descriptor.size) return;
      const layer = layers[index];
      if (layer === undefined) return;
      await parts.blobs.write(await layer.open(), {
        expected: descriptor.digest,
        expectedSize: descriptor.size,
        ...(signal !== undefined ? { signal } : {}),
      });
    });
    // the config and the manifest are written at once; the manifest only appears after the config
    const configWritten = parts.blobs.write(rawConfig, { expected: configDigest, expectedSize: rawConfig.byteLength });
    const afterConfig = async (): Promise<void> => {
      await configWritten;
    };
    const manifestWritten = parts.blobs.write(raw, { expected: digest, expectedSize: raw.byteLength, beforeCommit: afterConfig });
    await Promise.all([configWritten, manifestWritten]);
    const size = raw.byteLength + rawConfig.byteLength + manifest.layers.reduce((sum, l) => sum + l.size, 0);
    await parts.lock.withLock(
      async () => {
        const existing = await parts.images.get(digest);
        await parts.images.put({
          digest,
          mediaType: manifestMediaType(manifest),
          config: configDigest,
          ...(config.created !== undefined ? { created: config.created } : {}),
          size,
          added: existing?.added ?? new Date().toISOString(),
        });
        for (const name of names) await parts.refs.set(name, digest);
      },
      { purpose: 'put image', signal },
    );
  } finally {
    if (options.lease === undefined) await lease.release();
  }
  return digest;
}
