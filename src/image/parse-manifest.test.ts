import { describe, expect, it } from 'vitest';
import { MediaType } from '../oci/index.js';
import { parseConfig, parseManifest } from './parse-manifest.js';

const digest = 'sha256:' + 'a'.repeat(64);
const descriptor = { mediaType: MediaType.ociConfig, digest, size: 10 };
const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('parseManifest', () => {
  const good: Array<[string, unknown, string | undefined, 'manifest' | 'index', string]> = [
    ['OCI manifest', { schemaVersion: 2, mediaType: MediaType.ociManifest, config: descriptor, layers: [] }, undefined, 'manifest', MediaType.ociManifest],
    ['OCI manifest without mediaType', { schemaVersion: 2, config: descriptor, layers: [] }, undefined, 'manifest', MediaType.ociManifest],
    ['Docker manifest', { schemaVersion: 2, mediaType: MediaType.dockerManifest, config: descriptor, layers: [{ ...descriptor, mediaType: MediaType.dockerLayerGzip }] }, undefined, 'manifest', MediaType.dockerManifest],
    ['OCI index', { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }, undefined, 'index', MediaType.ociIndex],
    ['index by shape', { schemaVersion: 2, manifests: [{ ...descriptor, mediaType: MediaType.ociManifest }] }, undefined, 'index', MediaType.ociIndex],
    ['Docker list by descriptor type', { schemaVersion: 2, manifests: [] }, MediaType.dockerManifestList, 'index', MediaType.dockerManifestList],
  ];
  it.each(good)('reads a %s', (_name, doc, mediaType, kind, resolved) => {
    const parsed = parseManifest(bytes(doc), mediaType !== undefined ? { mediaType } : {});
    expect(parsed.kind).toBe(kind);
    expect(parsed.mediaType).toBe(resolved);
  });

  const bad: Array<[string, string | Buffer, RegExp]> = [
    ['not JSON', '{"schemaVersion":', /not valid JSON/],
    ['an array', '[]', /not a JSON object/],
    ['schema 1', JSON.stringify({ schemaVersion: 1, fsLayers: [] }), /schema 1 manifests are not supported/],
    ['schema 3', JSON.stringify({ schemaVersion: 3 }), /unsupported schemaVersion 3/],
    ['a bad config digest', JSON.stringify({ schemaVersion: 2, config: { ...descriptor, digest: 'sha256:xyz' }, layers: [] }), /config has an invalid digest/],
    ['a negative size', JSON.stringify({ schemaVersion: 2, config: descriptor, layers: [{ ...descriptor, size: -1 }] }), /layers\[0\] has an invalid size/],
    ['no layers', JSON.stringify({ schemaVersion: 2, config: descriptor }), /no layers array/],
    ['a foreign media type', JSON.stringify({ schemaVersion: 2, mediaType: 'text/plain', config: descriptor, layers: [] }), /not an image manifest or index/],
    ['a bad platform', JSON.stringify({ schemaVersion: 2, manifests: [{ ...descriptor, platform: { os: 'linux' } }] }), /invalid platform/],
    ['more than 4 MiB', Buffer.alloc(4 * 1024 * 1024 + 1, 0x20), /larger than/],
  ];
  it.each(bad)('refuses %s with INVALID_IMAGE', (_name, raw, message) => {
    expect(() => parseManifest(Buffer.from(raw), { source: 'm.json' })).toThrow(message);
    expect(() => parseManifest(Buffer.from(raw))).toThrow(expect.objectContaining({ code: 'INVALID_IMAGE' }) as unknown);
  });

  it('refuses a mediaType that contradicts the descriptor', () => {
    const doc = bytes({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: descriptor, layers: [] });
    expect(() => parseManifest(doc, { mediaType: MediaType.dockerManifest })).toThrow(/differs from the descriptor/);
  });
});

describe('parseConfig', () => {
  it('normalises a missing diff_ids and a null history', () => {
    const config = parseConfig(bytes({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' }, history: null }));
    expect(config.rootfs.diff_ids).toEqual([]);
    expect('history' in config).toBe(false);
  });
  it.each([
    [{ os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }, /no architecture/],
    [{ architecture: 'amd64', os: 'linux', rootfs: { type: 'other', diff_ids: [] } }, /rootfs.type/],
    [{ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ['nope'] } }, /diff_ids\[0\] is not a digest/],
    [{ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, history: [1] }, /history is not a list of objects/],
  ])('refuses %j', (doc, message) => {
    expect(() => parseConfig(bytes(doc))).toThrow(message);
  });
});
