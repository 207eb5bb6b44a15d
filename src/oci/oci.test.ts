import { describe, expect, it } from 'vitest';
import {
  MediaType,
  formatPlatform,
  hostPlatform,
  isDigest,
  layerCompression,
  parsePlatform,
  platformMatches,
  sha256Digest,
  shortId,
  toDigest,
} from './index.js';

describe('digests', () => {
  it('hashes bytes and validates the form', () => {
    const d = sha256Digest('hello');
    expect(d).toBe('sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(shortId(d)).toBe('2cf24dba5fb0');
    expect(isDigest('sha256:abc')).toBe(false);
    expect(isDigest('SHA256:' + 'a'.repeat(64))).toBe(false);
    expect(() => toDigest('md5:00')).toThrow(/not a valid digest/);
  });
});

describe('media types', () => {
  it.each([
    [MediaType.ociLayerGzip, 'gzip'],
    [MediaType.dockerLayerGzip, 'gzip'],
    [MediaType.ociLayerZstd, 'zstd'],
    [MediaType.ociLayer, 'none'],
    [MediaType.ociConfig, undefined],
  ])('%s is %s', (type, expected) => {
    expect(layerCompression(type)).toBe(expected);
  });
});

describe('platforms', () => {
  it('maps node arch names to OCI ones', () => {
    expect(hostPlatform('linux', 'x64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(formatPlatform(hostPlatform('linux', 'arm'))).toBe('linux/arm/v7');
  });
  it('parses and matches', () => {
    expect(parsePlatform('linux/x86_64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux')).toBeUndefined();
    const want = { os: 'linux', architecture: 'arm64' };
    expect(platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, want)).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'amd64' }, want)).toBe(false);
  });
});
