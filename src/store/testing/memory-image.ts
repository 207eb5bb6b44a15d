import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { Image, Layer } from '../../image/types.js';
import { MediaType, sha256Digest } from '../../oci/index.js';
import type { Descriptor, Digest, ImageConfig, ImageManifest } from '../../oci/index.js';

/*
 * Small in-memory images for the store's tests: real tars (tar-stream), real digests, a real
 * config and manifest. Not a product API (src/image/ has the real constructors).
 */

/** A tar of the given files, as bytes. */
export async function makeTar(files: Readonly<Record<string, string>>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of p) chunks.push(chunk as Buffer);
  })();
  for (const [name, content] of Object.entries(files)) {
    p.entry({ name, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, content);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export interface MemoryLayer extends Layer {
  readonly bytes: Buffer;
  readonly descriptor: Descriptor;
  /** How many times open() was called. */
  readonly opened: () => number;
}

/** A layer from tar bytes, stored gzip-compressed (or as is with `compress: false`). */
export function memoryLayer(tar: Buffer, options: { compress?: boolean } = {}): MemoryLayer {
  const compress = options.compress ?? true;
  const bytes = compress ? gzipSync(tar) : tar;
  const digest = sha256Digest(bytes);
  const diffId = sha256Digest(tar);
  const mediaType = compress ? MediaType.ociLayerGzip : MediaType.ociLayer;
  let opens = 0;
  return {
    bytes,
    descriptor: { mediaType, digest, size: bytes.length },
    opened: () => opens,
    digest: () => Promise.resolve(digest),
    diffId: () => Promise.resolve(diffId),
    size: () => Promise.resolve(bytes.length),
    mediaType: () => Promise.resolve(mediaType),
    open: () => {
      opens++;
      return Promise.resolve(Readable.from([bytes]));
    },
    openUncompressed: () => Promise.resolve(Readable.from([tar])),
  };
}

export interface MemoryImage extends Image {
  readonly manifestBytes: Buffer;
  readonly configBytes: Buffer;
  readonly manifestDigest: Digest;
  readonly configDigest: Digest;
  readonly memoryLayers: readonly MemoryLayer[];
}

/** An image of the given layers; `created` and `label` make configs (and so IDs) distinct. */
export async function memoryImage(
  layers: readonly MemoryLayer[],
  options: { created?: string; label?: string } = {},
): Promise<MemoryImage> {
  const diffIds = await Promise.all(layers.map((l) => l.diffId()));
  const config: ImageConfig = {
    created: options.created ?? '2024-01-02T03:04:05Z',
    architecture: 'amd64',
    os: 'linux',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['sh'],
      ...(options.label !== undefined ? { Labels: { test: options.label } } : {}),
    },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layers.map((_, i) => ({ created: options.created ?? '2024-01-02T03:04:05Z', created_by: `step ${i + 1}` })),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = sha256Digest(configBytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: configDigest, size: configBytes.length },
    layers: layers.map((l) => l.descriptor),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = sha256Digest(manifestBytes);
  return {
    manifestBytes,
    configBytes,
    manifestDigest,
    configDigest,
    memoryLayers: layers,
    rawManifest: () => Promise.resolve(manifestBytes),
    manifest: () => Promise.resolve(manifest),
    digest: () => Promise.resolve(manifestDigest),
    mediaType: () => Promise.resolve(MediaType.ociManifest),
    rawConfig: () => Promise.resolve(configBytes),
    config: () => Promise.resolve(config),
    layers: () => Promise.resolve(layers),
  };
}

/** A one-layer image whose content (and so every digest) depends on `seed`. */
export async function seededImage(seed: string, options: { compress?: boolean; files?: number } = {}): Promise<MemoryImage> {
  const files: Record<string, string> = {};
  for (let i = 0; i < (options.files ?? 1); i++) files[`file-${i}.txt`] = `${seed} ${i}\n`;
  return memoryImage([memoryLayer(await makeTar(files), { compress: options.compress ?? true })], { label: seed });
}
