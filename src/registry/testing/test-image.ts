import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { imageFromParts, layerFromBlobs } from '../../image/index.js';
import type { Image, Layer } from '../../image/index.js';
import { MediaType, sha256Digest } from '../../oci/index.js';

/** A tar holding one file of `size` random bytes (so every layer is distinct). */
export async function randomTar(size: number, name = 'data.bin'): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of p) chunks.push(chunk as Buffer);
  })();
  p.entry({ name, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, randomBytes(size));
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A gzip layer over in-memory bytes; `opened` counts the opens. */
export function bufferLayer(tar: Buffer, options: { readonly compress?: boolean } = {}): Layer & { readonly blob: Buffer } {
  const compress = options.compress ?? true;
  const blob = compress ? gzipSync(tar) : tar;
  const layer = layerFromBlobs({
    mediaType: compress ? MediaType.ociLayerGzip : MediaType.ociLayer,
    open: () => Promise.resolve(Readable.from([blob])),
    digest: sha256Digest(blob),
    size: blob.length,
    diffId: sha256Digest(tar),
  });
  return Object.assign(layer, { blob });
}

/** A linux/amd64 image whose layers each hold one random file of the given sizes. */
export async function randomImage(
  sizes: readonly number[],
  options: { readonly format?: 'oci' | 'docker'; readonly compress?: boolean } = {},
): Promise<Image & { readonly layerBlobs: readonly Buffer[] }> {
  const layers = await Promise.all(sizes.map(async (size, i) => bufferLayer(await randomTar(size, `file${i}.bin`), options)));
  const diffIds = await Promise.all(layers.map((l) => l.diffId()));
  const image = imageFromParts({
    config: {
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
    },
    layers,
    format: options.format ?? 'oci',
  });
  return Object.assign(image, { layerBlobs: layers.map((l) => l.blob) });
}
