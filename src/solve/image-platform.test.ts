import { describe, expect, it } from 'vitest';
import type { Platform } from '../oci/index.js';
import { imagePlatform } from './image-platform.js';

const amd64: Platform = { os: 'linux', architecture: 'amd64' };
const armv7: Platform = { os: 'linux', architecture: 'arm', variant: 'v7' };

describe('imagePlatform', () => {
  it.each([
    { name: 'no --platform: the stage platform as is', stage: armv7, requested: undefined, expected: armv7 },
    { name: 'a foreign --platform replaces os/arch', stage: amd64, requested: { os: 'linux', architecture: 'arm64' }, expected: { os: 'linux', architecture: 'arm64' } },
    { name: 'the variant asked for is written', stage: amd64, requested: armv7, expected: armv7 },
    { name: 'same os/arch without a variant keeps the stage variant', stage: armv7, requested: { os: 'linux', architecture: 'arm' }, expected: armv7 },
    { name: 'same os/arch with another variant takes it', stage: armv7, requested: { os: 'linux', architecture: 'arm', variant: 'v6' }, expected: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { name: 'a changed arch drops the stage variant', stage: armv7, requested: amd64, expected: amd64 },
  ])('$name', ({ stage, requested, expected }) => {
    expect(imagePlatform(stage, requested)).toEqual(expected);
  });
});
