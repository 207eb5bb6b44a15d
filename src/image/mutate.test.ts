import { describe, expect, it } from 'vitest';
import { MediaType, sha256Digest } from '../oci/index.js';
import { emptyImage } from './empty.js';
import { DOCKER_LAYER_UNCOMPRESSED } from './media-family.js';
import { appendLayers, toDockerMediaTypes, toOciMediaTypes, withConfig, withLayerCompression } from './mutate.js';
import { bufferLayer, gzip, makeTar, sampleImage, streamBytes } from './test-fixtures.js';
import { validateImage } from './validate.js';

const amd64 = { os: 'linux', architecture: 'amd64' };

describe('emptyImage', () => {
  it('is deterministic and valid, with no layers', async () => {
    const a = emptyImage(amd64);
    const b = emptyImage(amd64);
    expect(await a.digest()).toBe(await b.digest());
    expect(await a.digest()).not.toBe(await emptyImage({ os: 'linux', architecture: 'arm64' }).digest());
    const manifest = await a.manifest();
    expect(manifest.mediaType).toBe(MediaType.ociManifest);
    expect(manifest.layers).toEqual([]);
    expect((await a.config()).rootfs.diff_ids).toEqual([]);
    await validateImage(a, { depth: 'content' });
  });
});

describe('appendLayers', () => {
  it('grows diff_ids, history and the manifest in order', async () => {
    const image = await sampleImage();
    const config = await image.config();
    const layers = await image.layers();
    expect(layers).toHaveLength(2);
    expect(config.rootfs.diff_ids).toEqual([await layers[0]!.diffId(), await layers[1]!.diffId()]);
    expect(config.history?.map((h) => h.created_by)).toEqual(['COPY hello.txt /', 'COPY etc /etc']);
    const manifest = await image.manifest();
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([MediaType.ociLayerGzip, MediaType.ociLayer]);
    expect(manifest.config.digest).toBe(sha256Digest(await image.rawConfig()));
    expect(await image.digest()).toBe(sha256Digest(await image.rawManifest()));
    await validateImage(image, { depth: 'content' });
  });

  it('appends on top of an appended image, keeping the base', async () => {
    const base = await sampleImage();
    const top = appendLayers(base, [bufferLayer(gzip(await makeTar([{ name: 'top', content: '3' }])))]);
    expect((await top.layers()).length).toBe(3);
    expect((await top.config()).history).toHaveLength(3);
    expect((await top.manifest()).layers.slice(0, 2)).toEqual((await base.manifest()).layers);
    await validateImage(top, { depth: 'content' });
  });

  it('refuses a history list of the wrong length', () => {
    expect(() => appendLayers(emptyImage(amd64), [], { history: [{}] })).toThrow(RangeError);
  });
});

describe('withConfig', () => {
  it('changes the config and keeps the layers', async () => {
    const base = await sampleImage();
    const edited = withConfig(base, (c) => ({ ...c, config: { ...c.config, Cmd: ['sh'], Env: ['A=1'] } }));
    expect((await edited.config()).config?.Cmd).toEqual(['sh']);
    expect((await edited.manifest()).layers).toEqual((await base.manifest()).layers);
    expect(await edited.digest()).not.toBe(await base.digest());
    await validateImage(edited);
  });
});

describe('media type families', () => {
  it('converts to Docker and back without touching config or blobs', async () => {
    const oci = await sampleImage();
    const docker = toDockerMediaTypes(oci);
    const manifest = await docker.manifest();
    expect(await docker.mediaType()).toBe(MediaType.dockerManifest);
    expect(manifest.config.mediaType).toBe(MediaType.dockerConfig);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([MediaType.dockerLayerGzip, DOCKER_LAYER_UNCOMPRESSED]);
    expect(manifest.config.digest).toBe((await oci.manifest()).config.digest);
    expect(manifest.layers.map((l) => l.digest)).toEqual((await oci.manifest()).layers.map((l) => l.digest));
    await validateImage(docker, { depth: 'content' });
    const back = toOciMediaTypes(docker);
    expect(await back.digest()).toBe(await oci.digest());
  });

  it('returns the same image when it already is in the family', async () => {
    const oci = await sampleImage();
    expect(await toOciMediaTypes(oci).rawManifest()).toBe(await oci.rawManifest());
  });
});

describe('withLayerCompression', () => {
  it.each(['none', 'gzip'] as const)('recompresses every layer to %s with the same DiffIDs', async (compression) => {
    const base = await sampleImage();
    const image = withLayerCompression(base, compression);
    const want = compression === 'gzip' ? MediaType.ociLayerGzip : MediaType.ociLayer;
    expect((await image.manifest()).layers.every((l) => l.mediaType === want)).toBe(true);
    expect((await image.config()).rootfs.diff_ids).toEqual((await base.config()).rootfs.diff_ids);
    for (const layer of await image.layers()) {
      const blob = await streamBytes(await layer.open());
      expect(blob[0] === 0x1f).toBe(compression === 'gzip');
    }
    await validateImage(image, { depth: 'content' });
  });
});
