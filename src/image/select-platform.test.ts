import { describe, expect, it } from 'vitest';
import { MediaType } from '../oci/index.js';
import type { Descriptor, ImageIndex, Platform } from '../oci/index.js';
import { selectManifest } from './select-platform.js';

function entry(n: number, platform?: Platform, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: MediaType.ociManifest, digest: `sha256:${String(n).repeat(64)}` as Descriptor['digest'], size: 1, ...(platform ? { platform } : {}), ...extra };
}
const index = (...manifests: Descriptor[]): ImageIndex => ({ schemaVersion: 2, manifests });

describe('selectManifest', () => {
  const multi = index(
    entry(1, { os: 'linux', architecture: 'arm', variant: 'v6' }),
    entry(2, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    entry(3, { os: 'linux', architecture: 'amd64' }),
    entry(4, { os: 'unknown', architecture: 'unknown' }, { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }),
    entry(5, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
  );
  it.each<[Platform, number]>([
    [{ os: 'linux', architecture: 'amd64' }, 3],
    [{ os: 'linux', architecture: 'arm', variant: 'v7' }, 2],
    [{ os: 'linux', architecture: 'arm' }, 1],
    [{ os: 'linux', architecture: 'arm64' }, 5],
  ])('picks %j', (platform, n) => {
    expect(selectManifest(multi, platform).digest).toBe(entry(n).digest);
  });

  it('fails with NO_MATCHING_PLATFORM listing what there is', () => {
    expect(() => selectManifest(multi, { os: 'linux', architecture: 's390x' }, { source: 'node:18' })).toThrow(
      expect.objectContaining({ code: 'NO_MATCHING_PLATFORM', hint: expect.stringContaining('linux/amd64, linux/arm64/v8') as unknown }) as unknown,
    );
  });

  it('takes the only entry of an index without platforms', () => {
    expect(selectManifest(index(entry(7)), { os: 'linux', architecture: 'amd64' }).digest).toBe(entry(7).digest);
    expect(() => selectManifest(index(entry(7), entry(8)), { os: 'linux', architecture: 'amd64' })).toThrow(/has no image for linux\/amd64/);
  });
});
