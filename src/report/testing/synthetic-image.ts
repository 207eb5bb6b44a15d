// Test helpers: small images made of in-memory tar layers (whiteouts, opaque dirs, links).
import type { FixtureEntry } from '../../image/test-fixtures.js';
import { bufferLayer, makeTar } from '../../image/test-fixtures.js';
import { appendLayers, emptyImage, withConfig } from '../../image/index.js';
import type { Image } from '../../image/index.js';
import { MediaType } from '../../oci/index.js';
import type { ContainerConfig } from '../../oci/index.js';

export type { FixtureEntry } from '../../image/test-fixtures.js';

export interface SyntheticLayer {
  readonly createdBy: string;
  readonly entries: readonly FixtureEntry[];
}

/** `size` bytes of content that differ with `seed` (so hashes differ unless seeds match). */
export function content(size: number, seed = 'x'): Buffer {
  const unit = Buffer.from(`${seed}:`);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = unit[i % unit.length] ?? 0;
  return out;
}

/** A regular file entry of `size` bytes. */
export function file(name: string, size: number, seed = name): FixtureEntry {
  return { name, content: content(size, seed) };
}

export function dir(name: string): FixtureEntry {
  return { name: name.endsWith('/') ? name : `${name}/`, type: 'directory' };
}

/** A whiteout deleting `path` (written as `dir/.wh.name`). */
export function whiteout(path: string): FixtureEntry {
  const slash = path.lastIndexOf('/');
  return { name: `${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}`, content: '' };
}

/** The opaque marker of `dir`. */
export function opaque(dirPath: string): FixtureEntry {
  return { name: `${dirPath.replace(/\/$/, '')}/.wh..wh..opq`, content: '' };
}

export function text(name: string, body: string): FixtureEntry {
  return { name, content: body };
}

/** An image of the given layers (uncompressed tars), each with its `created_by`. */
export async function syntheticImage(layers: readonly SyntheticLayer[], config: ContainerConfig = {}): Promise<Image> {
  const built = await Promise.all(layers.map(async (l) => bufferLayer(await makeTar(l.entries), MediaType.ociLayer)));
  const image = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), built, { history: layers.map((l) => ({ created_by: l.createdBy })) });
  return Object.keys(config).length === 0 ? image : withConfig(image, (c) => ({ ...c, config: { ...c.config, ...config } }));
}
