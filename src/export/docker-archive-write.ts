import type { Readable, Writable } from 'node:stream';
import { BuildError } from '../errors/index.js';
import { digestOf, validateImage } from '../image/index.js';
import type { Layer } from '../image/index.js';
import { digestHex, layerCompression, parseReference, sha256Digest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import type { ArchiveImage } from './archive-image.js';
import type { DockerArchiveEntry } from './docker-archive-read.js';
import { writeTarOutput } from './tar-output.js';
import { verified } from './verified-stream.js';

export interface WriteDockerArchiveOptions {
  readonly signal?: AbortSignal;
}

interface LayerFile {
  readonly path: string;
  readonly size: number;
  readonly diffId: Digest;
  open(): Promise<Readable>;
}

/**
 * The size of a layer's uncompressed tar: its blob size when it is not compressed, else counted
 * by decompressing once (which also checks the DiffID before anything is written).
 */
async function uncompressedLayer(layer: Layer, diffId: Digest, path: string, label: string): Promise<LayerFile> {
  let size: number;
  if (layerCompression(await layer.mediaType()) === 'none') {
    size = await layer.size();
  } else {
    const measured = await digestOf(await layer.openUncompressed());
    if (measured.digest !== diffId) {
      throw new BuildError('INVALID_IMAGE', `${label}: the layer's tar has digest ${measured.digest}, not its DiffID ${diffId}`, {
        hint: 'the image in the store may be damaged: run `stagecraft verify`',
        details: { source: label, diffId },
      });
    }
    size = measured.size;
  }
  return { path, size, diffId, open: async () => verified(await layer.openUncompressed(), diffId, size, label) };
}

/** RepoTags as docker writes them: familiar names with a tag (`node:18`); digest-only names drop. */
function repoTags(tags: readonly string[]): string[] {
  return tags.flatMap((tag) => {
    const ref = parseReference(tag);
    return ref.tag !== undefined ? [`${ref.familiarName}:${ref.tag}`] : [];
  });
}

/**
 * Writes images as a docker-archive, the format `docker save` writes and `docker load` reads:
 * `manifest.json` (Config, RepoTags, Layers), the config as `<id>.json`, each layer as an
 * uncompressed `<diffid>/layer.tar` (written once however many images share it) and the legacy
 * `repositories` file. Images are validated first; layer bytes are checked against their DiffIDs
 * as they stream, and a failure leaves no partial archive.
 */
export async function writeDockerArchive(images: readonly ArchiveImage[], dest: string | Writable, options: WriteDockerArchiveOptions = {}): Promise<DockerArchiveEntry[]> {
  const configs = new Map<string, Uint8Array>();
  const layerFiles = new Map<string, LayerFile>();
  const entries: DockerArchiveEntry[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const [i, { image, tags }] of images.entries()) {
    const label = tags[0] ?? `image ${i}`;
    await validateImage(image, { source: label });
    const [rawConfig, config, layers] = await Promise.all([image.rawConfig(), image.config(), image.layers()]);
    const configName = `${digestHex(sha256Digest(rawConfig))}.json`;
    configs.set(configName, rawConfig);
    const paths: string[] = [];
    for (const [n, layer] of layers.entries()) {
      const diffId = config.rootfs.diff_ids[n] ?? (await layer.diffId());
      const path = `${digestHex(diffId)}/layer.tar`;
      paths.push(path);
      if (!layerFiles.has(path)) layerFiles.set(path, await uncompressedLayer(layer, diffId, path, `${label} layer ${n}`));
    }
    const names = repoTags(tags);
    entries.push({ Config: configName, RepoTags: names.length > 0 ? names : null, Layers: paths });
    const top = paths.at(-1);
    for (const name of names) {
      const colon = name.lastIndexOf(':');
      if (top === undefined) continue;
      (repositories[name.slice(0, colon)] ??= {})[name.slice(colon + 1)] = top.slice(0, top.indexOf('/'));
    }
  }
  await writeTarOutput(
    dest,
    async (out) => {
      for (const [name, bytes] of configs) await out.addFile(name, bytes, bytes.byteLength);
      for (const file of layerFiles.values()) {
        await out.addDirectory(file.path.slice(0, file.path.indexOf('/')));
        await out.addFile(file.path, await file.open(), file.size);
      }
      const manifest = Buffer.from(JSON.stringify(entries));
      await out.addFile('manifest.json', manifest, manifest.length);
      if (Object.keys(repositories).length > 0) {
        const repos = Buffer.from(JSON.stringify(repositories));
        await out.addFile('repositories', repos, repos.length);
      }
    },
    options.signal ? { signal: options.signal } : {},
  );
  return entries;
}
