import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendLayers } from '../image/index.js';
import { bufferLayer, makeTar } from '../image/test-fixtures.js';
import { MediaType } from '../oci/index.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { analyzeImage } from './analyze-image.js';
import { findBaseImage, findSlimVariant, slimCandidates } from './base-image.js';
import { file, syntheticImage } from './testing/synthetic-image.js';

let root: string;
let store: Store;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-report-base-'));
  store = await openStore(root);
  const debian = await syntheticImage([{ createdBy: 'debootstrap', entries: [file('bin/sh', 1000)] }]);
  const full = appendLayers(debian, [bufferLayer(await makeTar([file('usr/bin/node', 5000), file('usr/share/npm/cli.js', 3000)]), MediaType.ociLayer)], { history: [{ created_by: 'install node npm' }] });
  const slim = appendLayers(debian, [bufferLayer(await makeTar([file('usr/bin/node', 5000)]), MediaType.ociLayer)], { history: [{ created_by: 'install node' }] });
  await store.putImage(debian, { tags: ['debian:bookworm-slim'] });
  await store.putImage(full, { tags: ['node:18', 'node:18-bookworm'] });
  await store.putImage(slim, { tags: ['node:18-slim'] });
  const app = appendLayers(full, [bufferLayer(await makeTar([file('app/app.js', 200)]), MediaType.ociLayer)], { history: [{ created_by: 'COPY . /app' }] });
  await store.putImage(app, { tags: ['app:latest'] });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('base image and slim variant', () => {
  it.each([
    ['node:18', ['node:18-slim']],
    ['node:18-bookworm', ['node:18-bookworm-slim', 'node:18-slim-bookworm', 'node:18-slim']],
    ['python', ['python:slim']],
    ['localhost:5000/team/node:20', ['localhost:5000/team/node:20-slim']],
    ['node:18-slim', []],
    ['node:18-alpine', []],
  ])('slim candidates of %s', (name, expected) => {
    expect(slimCandidates(name)).toEqual(expected);
  });

  it('finds the base as the longest layer prefix in the store (shortest name on a tie)', async () => {
    expect(await findBaseImage(store, await store.getImage('app:latest'))).toEqual({ name: 'node:18', layers: 2 });
    expect(await findBaseImage(store, await store.getImage('node:18-slim'))).toEqual({ name: 'debian:bookworm-slim', layers: 1 });
    expect(await findBaseImage(store, await store.getImage('debian:bookworm-slim'))).toBeUndefined();
  });

  it('takes the base the Dockerfile names when the store has it', async () => {
    expect(await findBaseImage(store, await store.getImage('app:latest'), { named: 'node:18-bookworm' })).toEqual({ name: 'node:18-bookworm', layers: 2 });
    expect(await findBaseImage(store, await store.getImage('app:latest'), { named: 'nothere:1' })).toEqual({ name: 'node:18', layers: 2 });
  });

  it('finds the slim variant in the store', async () => {
    expect((await findSlimVariant(store, 'node:18'))?.name).toBe('node:18-slim');
    expect((await findSlimVariant(store, 'node:18-bookworm'))?.name).toBe('node:18-slim');
    expect(await findSlimVariant(store, 'debian:bookworm-slim')).toBeUndefined();
  });

  it('advises the slim base with the measured difference', async () => {
    const analyzed = await analyzeImage(store, 'app:latest', { advice: true, minBytes: 1 });
    expect(analyzed.base).toEqual({ name: 'node:18', layers: 2 });
    expect(analyzed.slim).toEqual({ name: 'node:18-slim', totalBytes: 6000 });
    expect(analyzed.advice?.find((a) => a.kind === 'slim-base')).toMatchObject({ bytes: 3000, fix: expect.stringContaining('FROM node:18-slim') as unknown });
    const plain = await analyzeImage(store, 'app:latest');
    expect(plain.advice).toBeUndefined();
    expect(plain.fs.totalBytes).toBe(9200);
  });
});
