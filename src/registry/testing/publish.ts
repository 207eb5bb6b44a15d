import type { Readable } from 'node:stream';
import type { Image } from '../../image/index.js';
import type { Digest } from '../../oci/index.js';
import type { FakeRegistry } from './fake-registry.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Puts an image straight into a fake registry's memory (config, layers, manifest under `tag`). */
export async function publishImage(fake: FakeRegistry, repository: string, tag: string, image: Image): Promise<Digest> {
  fake.putBlob(repository, Buffer.from(await image.rawConfig()));
  for (const layer of await image.layers()) fake.putBlob(repository, await readAll(await layer.open()));
  return fake.putManifest(repository, tag, Buffer.from(await image.rawManifest()), await image.mediaType());
}
