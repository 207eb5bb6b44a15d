import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateImage } from '../../src/image/index.js';
import { digestHex } from '../../src/oci/index.js';
import type { Digest } from '../../src/oci/index.js';
import { parseReference } from '../../src/oci/reference.js';
import { pullImage, pushImage } from '../../src/registry/index.js';
import { startFakeRegistry } from '../../src/registry/testing/fake-registry.js';
import { publishImage } from '../../src/registry/testing/publish.js';
import { randomImage } from '../../src/registry/testing/test-image.js';
import { openStore } from '../../src/store/index.js';
import { spawnTsChild, waitForChild, waitForLine } from '../../src/store/testing/spawn-child.js';
import type { ChildResult } from '../../src/store/testing/spawn-child.js';
import { dockerRegistryUnavailable, startDockerRegistry } from '../support/docker-registry.js';

/**
 * kill -9 of a pull at random moments: whatever the killed pull left in the store, every visible
 * blob hashes to its name, `verify` finds nothing corrupt or broken, and the next pull completes
 * with an image whose content validates. Uses Debian's docker-registry when installed, else the
 * in-process fake registry; both on 127.0.0.1.
 */

const LAYER_SIZES = [14, 18, 22].map((mb) => mb * 1024 * 1024);
const ROUNDS = 6;
const CHILD_TIMEOUT_MS = 60_000;
const CHILD = new URL('../support/pull-crash-child.ts', import.meta.url).href;

interface Served {
  readonly reference: string;
  readonly digest: Digest;
  /** Manifest, config and layers: the only blobs a pull may leave. */
  readonly blobs: ReadonlySet<string>;
  stop(): Promise<void>;
}

async function serveImage(): Promise<Served> {
  const image = await randomImage(LAYER_SIZES);
  const blobs = new Set([await image.digest(), (await image.manifest()).config.digest, ...(await Promise.all((await image.layers()).map((l) => l.digest())))].map(digestHex));
  if (dockerRegistryUnavailable() === undefined) {
    const registry = await startDockerRegistry();
    const reference = `${registry.host}/crash/app:v1`;
    const { digest } = await pushImage(image, parseReference(reference));
    return { reference, digest, blobs, stop: () => registry.stop() };
  }
  const fake = await startFakeRegistry();
  const reference = `${fake.host}/crash/app:v1`;
  const digest = await publishImage(fake, 'crash/app', 'v1', image);
  return { reference, digest, blobs, stop: () => fake.close() };
}

/** Runs the pull child; `killAfter` (ms after it printed `pulling`) kills it with SIGKILL. */
async function runPull(root: string, reference: string, killAfter?: number): Promise<ChildResult & { readonly ms: number }> {
  const child = spawnTsChild(CHILD, [root, reference]);
  const result = waitForChild(child);
  const guard = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  try {
    await waitForLine(child, 'pulling');
    const start = Date.now();
    if (killAfter !== undefined) {
      await delay(killAfter);
      child.kill('SIGKILL');
    }
    const done = await result;
    return { ...done, ms: Date.now() - start };
  } catch (err) {
    const done = await result;
    throw new Error(`pull child failed before pulling: ${String(err)}\n${done.stderr}`);
  } finally {
    clearTimeout(guard);
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks a store a killed pull wrote into; returns how many blobs it holds. */
async function checkAfterKill(root: string, served: Served): Promise<number> {
  const store = await openStore(root);
  // opening removed the dead pull's temp files
  expect(await readdir(join(root, 'ingest'))).toEqual([]);
  const dir = join(root, 'blobs', 'sha256');
  const names = await readdir(dir);
  for (const name of names) {
    expect(served.blobs.has(name), `unexpected blob ${name}`).toBe(true);
    expect(await sha256File(join(dir, name))).toBe(name);
  }
  const report = await store.verify();
  expect(report.corrupt).toEqual([]);
  expect(report.brokenImages).toEqual([]);
  expect(report.checkedBlobs).toBe(names.length);
  // a tag written before the kill names a whole image
  const tagged = await store.resolveRef(served.reference);
  if (tagged !== undefined) {
    expect(tagged).toBe(served.digest);
    await validateImage(await store.getImage(served.reference), { depth: 'content' });
  }
  return names.length;
}

describe('a pull killed with SIGKILL at a random moment', () => {
  let served: Served;
  let dir: string;

  beforeAll(async () => {
    served = await serveImage();
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-pull-crash-'));
  });
  afterAll(async () => {
    await served.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves only whole blobs, and the next pull completes', { timeout: 300_000 }, async () => {
    // one uninterrupted pull measures how long a whole pull takes here
    const timing = await runPull(join(dir, 'timing'), served.reference);
    expect(timing.code, timing.stderr).toBe(0);
    expect(timing.stdout).toContain(`done ${served.digest}`);
    const full = Math.max(100, timing.ms);

    // odd rounds pull into one shared root (on top of what earlier kills left), even rounds into a fresh one
    const shared = join(dir, 'shared');
    const roots = new Set<string>();
    let interrupted = 0;
    let blobsLeft = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const root = round % 2 === 1 ? shared : join(dir, `fresh-${round}`);
      roots.add(root);
      const killAfter = 50 + Math.random() * (full - 50);
      const result = await runPull(root, served.reference, killAfter);
      if (result.signal === 'SIGKILL') interrupted++;
      else expect(result.code, result.stderr).toBe(0);
      blobsLeft += await checkAfterKill(root, served);
    }
    console.info(`pull-crash: full pull ${String(timing.ms)} ms, ${String(interrupted)}/${String(ROUNDS)} pulls killed, ${String(blobsLeft)} blob files hashed after the kills`);
    expect(interrupted).toBeGreaterThan(0);

    // the next pull into every root completes and yields a whole image
    for (const root of roots) {
      const store = await openStore(root);
      const pulled = await pullImage(parseReference(served.reference), { store });
      expect(pulled.digest).toBe(served.digest);
      await validateImage(await store.getImage(served.reference), { depth: 'content' });
      const report = await store.verify();
      expect(report.corrupt).toEqual([]);
      expect(report.brokenImages).toEqual([]);
      expect(report.checkedBlobs).toBe(served.blobs.size);
    }
  });
});
