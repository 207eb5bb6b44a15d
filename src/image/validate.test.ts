import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MediaType, sha256Digest, toDigest } from '../oci/index.js';
import type { Digest, ImageConfig, ImageManifest } from '../oci/index.js';
import { serialiseConfig } from './compose.js';
import { layerFromBlobs } from './layer-from-blobs.js';
import { findImageProblems, validateImage } from './validate.js';
import { makeTar, sampleImage } from './test-fixtures.js';
import type { Image, Layer } from './types.js';

/** An image view over hand-written parts, so each test can break exactly one thing. */
function rawImage(manifest: ImageManifest, config: Uint8Array, layers: readonly Layer[], digest?: Digest): Image {
  const raw = Buffer.from(JSON.stringify(manifest));
  return {
    rawManifest: () => Promise.resolve(raw),
    manifest: () => Promise.resolve(manifest),
    digest: () => Promise.resolve(digest ?? sha256Digest(raw)),
    mediaType: () => Promise.resolve(manifest.mediaType ?? MediaType.ociManifest),
    rawConfig: () => Promise.resolve(config),
    config: () => Promise.resolve(JSON.parse(Buffer.from(config).toString()) as ImageConfig),
    layers: () => Promise.resolve(layers),
  };
}

interface Parts {
  manifest: ImageManifest;
  config: Uint8Array;
  layers: Layer[];
  tar: Buffer;
}

async function goodParts(): Promise<Parts> {
  const tar = await makeTar([{ name: 'a', content: 'a' }]);
  const diffId = sha256Digest(tar);
  const config = serialiseConfig({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created_by: 'x' }, { created_by: 'ENV', empty_layer: true }],
  });
  const layer = layerFromBlobs({ mediaType: MediaType.ociLayer, open: () => Promise.resolve(Readable.from([tar])) });
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: sha256Digest(config), size: config.length },
    layers: [{ mediaType: MediaType.ociLayer, digest: diffId, size: tar.length }],
  };
  return { manifest, config, layers: [layer], tar };
}

const otherDigest = toDigest('sha256:' + 'f'.repeat(64));

describe('validateImage', () => {
  it('passes good images, composed or hand-written', async () => {
    const p = await goodParts();
    expect(await findImageProblems(rawImage(p.manifest, p.config, p.layers), { depth: 'content' })).toEqual([]);
    await expect(validateImage(await sampleImage(), { depth: 'content' })).resolves.toBeUndefined();
  });

  const breakages: Array<[string, (p: Parts) => Image, RegExp, 'metadata' | 'content']> = [
    ['image digest', (p) => rawImage(p.manifest, p.config, p.layers, otherDigest), /not the digest of its manifest/, 'metadata'],
    ['config digest', (p) => rawImage({ ...p.manifest, config: { ...p.manifest.config, digest: otherDigest } }, p.config, p.layers), /config digest is/, 'metadata'],
    ['config size', (p) => rawImage({ ...p.manifest, config: { ...p.manifest.config, size: 3 } }, p.config, p.layers), /config is \d+ bytes/, 'metadata'],
    ['config media type', (p) => rawImage({ ...p.manifest, config: { ...p.manifest.config, mediaType: MediaType.dockerConfig } }, p.config, p.layers), /does not belong with a oci manifest/, 'metadata'],
    ['layer media type', (p) => rawImage({ ...p.manifest, layers: [{ ...p.manifest.layers[0]!, mediaType: MediaType.dockerLayerGzip }] }, p.config, p.layers), /does not belong with a oci manifest/, 'metadata'],
    ['layer count', (p) => rawImage(p.manifest, p.config, []), /has 0 layers, the manifest lists 1/, 'metadata'],
    ['diff_ids count', (p) => rawImage({ ...p.manifest, layers: [] }, p.config, []), /1 diff_ids for 0 layers/, 'metadata'],
    [
      'history count',
      (p) => {
        const config = serialiseConfig({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(p.tar)] }, history: [{}, {}] });
        return rawImage({ ...p.manifest, config: { ...p.manifest.config, digest: sha256Digest(config), size: config.length } }, config, p.layers);
      },
      /history has 2 entries that add a layer/,
      'metadata',
    ],
    [
      'layer bytes (content only)',
      (p) => rawImage(p.manifest, p.config, [layerFromBlobs({ mediaType: MediaType.ociLayer, digest: p.manifest.layers[0]!.digest, size: p.tar.length, open: () => Promise.resolve(Readable.from([Buffer.alloc(p.tar.length)])) })]),
      /content digest is/,
      'content',
    ],
    [
      'DiffID claim',
      (p) => rawImage(p.manifest, p.config, [layerFromBlobs({ mediaType: MediaType.ociLayer, digest: p.manifest.layers[0]!.digest, diffId: otherDigest, open: () => Promise.resolve(Readable.from([p.tar])) })]),
      /DiffID .* differs from the config/,
      'metadata',
    ],
  ];
  it.each(breakages)('finds a broken %s', async (_name, broken, problem, depth) => {
    const image = broken(await goodParts());
    const problems = await findImageProblems(image, { depth });
    expect(problems.some((p) => problem.test(p))).toBe(true);
    await expect(validateImage(image, { depth })).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    if (depth === 'content') expect(await findImageProblems(image, { depth: 'metadata' })).toEqual([]);
  });

  it('lists every problem in the hint and the details', async () => {
    const p = await goodParts();
    const image = rawImage({ ...p.manifest, config: { ...p.manifest.config, digest: otherDigest, size: 1 } }, p.config, p.layers);
    const err = await validateImage(image).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_IMAGE', message: expect.stringContaining('and 1 more problem') as unknown });
    expect((err as { details: { problems: string[] } }).details.problems).toHaveLength(2);
  });

  it('refuses unsafe layer entries when asked to check them', async () => {
    const tar = await makeTar([{ name: '../../etc/x', content: 'owned' }]);
    const p = await goodParts();
    const config = serialiseConfig({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] } });
    const manifest: ImageManifest = {
      ...p.manifest,
      config: { ...p.manifest.config, digest: sha256Digest(config), size: config.length },
      layers: [{ mediaType: MediaType.ociLayer, digest: sha256Digest(tar), size: tar.length }],
    };
    const image = rawImage(manifest, config, [layerFromBlobs({ mediaType: MediaType.ociLayer, open: () => Promise.resolve(Readable.from([tar])) })]);
    await expect(validateImage(image, { depth: 'content' })).resolves.toBeUndefined();
    await expect(validateImage(image, { depth: 'content', checkEntries: true })).rejects.toMatchObject({ code: 'INVALID_ARCHIVE' });
  });
});
