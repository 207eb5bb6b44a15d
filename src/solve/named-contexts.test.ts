import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import { writeOciLayout } from '../export/index.js';
import { sampleImage } from '../image/test-fixtures.js';
import type { Platform } from '../oci/index.js';
import { parseNamedContextValue, resolveNamedContexts } from './named-contexts.js';

const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseNamedContextValue', () => {
  it.each([
    ['docker-image://alpine', { kind: 'image', ref: 'docker.io/library/alpine:latest' }],
    ['docker-image://localhost:5000/team/app:1', { kind: 'image', ref: 'localhost:5000/team/app:1' }],
    ['docker-image://scratch', { kind: 'scratch' }],
    ['oci-layout:///srv/layout', { kind: 'oci-layout', dir: '/srv/layout', tag: 'latest', digest: undefined }],
    ['oci-layout://layout:v2', { kind: 'oci-layout', dir: '/work/dir/layout', tag: 'v2', digest: undefined }],
    [`oci-layout://layout@${DIGEST}`, { kind: 'oci-layout', dir: '/work/dir/layout', tag: undefined, digest: DIGEST }],
    [`oci-layout://layout:v2@${DIGEST}`, { kind: 'oci-layout', dir: '/work/dir/layout', tag: 'v2', digest: DIGEST }],
    ['../shared', { kind: 'local', dir: '/work/shared' }],
    ['/abs/dir', { kind: 'local', dir: '/abs/dir' }],
  ])('%s', (value, expected) => {
    expect(parseNamedContextValue('x', value, '/work/dir')).toEqual(expected);
  });

  it.each([
    ['docker-image://Bad:Ref', 'repository name must be lowercase'],
    ['https://example.com/ctx.tar', 'remote contexts'],
    ['git@github.com:moby/buildkit.git', 'remote contexts'],
    ['target:base', 'remote contexts'],
  ])('%s is refused: %s', (value, message) => {
    expect(() => parseNamedContextValue('x', value, '/')).toThrow(message);
  });
});

describe('resolveNamedContexts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-named-'));
    await mkdir(join(dir, 'files'));
    await writeFile(join(dir, 'a-file'), 'x');
    const image = await sampleImage();
    // two entries: a tag that names neither is not resolved (one entry alone would be taken, as buildx does)
    await writeOciLayout([{ image, tags: ['example.com/app:v2', 'example.com/app:v1'] }], join(dir, 'layout'), { format: 'dir' });
    await writeOciLayout([{ image, tags: [] }], join(dir, 'single'), { format: 'dir' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks directories, keeps image references for later, reads OCI layouts by tag or as their only image', async () => {
    const resolved = await resolveNamedContexts(
      new Map([
        ['files', 'files'],
        ['alpine', 'docker-image://debian:bookworm-slim'],
        ['tagged', 'oci-layout://layout:v2'],
        ['only', 'oci-layout://single'],
      ]),
      { cwd: dir, platform: AMD64 },
    );
    expect(resolved.dirs).toEqual(new Map([['files', join(dir, 'files')]]));
    const expected = await (await sampleImage()).digest();
    expect(resolved.sources.get('files')).toEqual({ kind: 'local' });
    expect(resolved.sources.get('alpine')).toEqual({ kind: 'image', ref: 'docker.io/library/debian:bookworm-slim' });
    expect(resolved.sources.get('tagged')).toEqual({ kind: 'image', ref: `oci-layout://${join(dir, 'layout')}@${expected}` });
    const image = resolved.images.get(`oci-layout://${join(dir, 'layout')}@${expected}`);
    expect(image?.manifest).toBe(expected);
    expect(image?.config.rootfs.diff_ids).toHaveLength(2);
    expect(resolved.images.get(`oci-layout://${join(dir, 'single')}@${expected}`)?.manifest).toBe(expected);
  });

  it.each([
    ['missing', 'CONTEXT_NOT_FOUND', 'failed to get build context x'],
    ['a-file', 'INVALID_NAMED_CONTEXT', 'not a directory'],
    ['oci-layout://layout:v3', 'INVALID_NAMED_CONTEXT', 'could not be resolved'],
    ['oci-layout://files', 'INVALID_NAMED_CONTEXT', 'is not an OCI layout'],
  ])('%s fails with %s', async (value, code, message) => {
    try {
      await resolveNamedContexts(new Map([['x', value]]), { cwd: dir, platform: AMD64 });
      expect.unreachable();
    } catch (err) {
      expect(isBuildError(err) ? err.code : err).toBe(code);
      expect((err as Error).message).toContain(message);
    }
  });
});
