// Helpers for tests of images and archives: small tars built in memory, layers over buffers.
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { Header } from 'tar-stream';
import { MediaType } from '../oci/index.js';
import { appendLayers } from './mutate.js';
import { emptyImage } from './empty.js';
import { layerFromBlobs } from './layer-from-blobs.js';
import type { Image, Layer } from './types.js';

export interface FixtureEntry {
  readonly name: string;
  readonly content?: string | Uint8Array;
  readonly type?: Header['type'];
  readonly linkname?: string;
  readonly mode?: number;
}

/** A tar archive of `entries` (fixed mtimes, so the bytes are the same every time). */
export async function makeTar(entries: readonly FixtureEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of archive) chunks.push(Buffer.from(chunk as Uint8Array));
  })();
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const header = {
      name: entry.name,
      type,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
      mtime: new Date(0),
      ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null): void => {
        if (err) reject(err);
        else resolve();
      };
      if (type === 'file') archive.entry(header, Buffer.from(entry.content ?? ''), done);
      else archive.entry(header, done);
    });
  }
  archive.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export function gzip(data: Uint8Array): Buffer {
  return gzipSync(data);
}

/** A layer over bytes held in memory (tests only: real layers stream from disk). */
export function bufferLayer(blob: Uint8Array, mediaType: string = MediaType.ociLayerGzip): Layer {
  return layerFromBlobs({ mediaType, open: () => Promise.resolve(Readable.from([Buffer.from(blob)])), source: 'test layer' });
}

/** Collects a stream into one buffer. */
export async function streamBytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** A two-layer linux/amd64 image: /hello.txt, then /etc/motd and a directory. */
export async function sampleImage(): Promise<Image> {
  const first = await makeTar([{ name: 'hello.txt', content: 'hello\n' }]);
  const second = await makeTar([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/motd', content: 'welcome\n' },
  ]);
  return appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [bufferLayer(gzip(first)), bufferLayer(second, MediaType.ociLayer)], {
    history: [{ created_by: 'COPY hello.txt /' }, { created_by: 'COPY etc /etc' }],
  });
}
