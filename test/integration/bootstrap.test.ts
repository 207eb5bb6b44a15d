import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { extract } from 'tar-stream';
import { bootstrapBaseImages, findDebianMirror } from '../../src/bootstrap/index.js';
import { validateImage } from '../../src/image/index.js';
import type { Image } from '../../src/image/index.js';
import { openStore } from '../../src/store/index.js';
import { sharedTestRoot } from '../support/test-store-root.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasDebootstrap = spawnSync('sh', ['-c', 'command -v debootstrap']).status === 0;
const mirror = await findDebianMirror();
const reason = !isRoot ? 'not root' : !hasDebootstrap ? 'debootstrap is not installed' : mirror === undefined ? 'no Debian mirror in /etc/apt' : undefined;
if (reason !== undefined) console.warn(`bootstrap integration tests skipped: ${reason}`);

async function layerPaths(image: Image, index: number): Promise<Set<string>> {
  const layers = await image.layers();
  const layer = layers[index];
  if (layer === undefined) throw new Error(`no layer ${String(index)}`);
  const names = new Set<string>();
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    names.add(header.name.replace(/\/$/, ''));
    stream.on('end', next);
    stream.resume();
  });
  const source = await layer.openUncompressed();
  await new Promise<void>((resolvePromise, reject) => {
    ex.on('finish', resolvePromise);
    ex.on('error', reject);
    source.on('error', reject);
    source.pipe(ex);
  });
  return names;
}

describe.skipIf(reason !== undefined)('stagecraft bootstrap (debootstrap + overlay, real Debian packages)', () => {
  it('makes debian:bookworm-slim and node:18-slim sharing their base layer, and is fast the second time', { timeout: 900_000 }, async () => {
    const store = await openStore(sharedTestRoot());
    const first = await bootstrapBaseImages(store, { names: ['debian:bookworm-slim', 'node:18-slim'] });
    expect(first.map((r) => r.name)).toEqual(['debian:bookworm-slim', 'node:18-slim']);

    const debian = await store.getImage('debian:bookworm-slim');
    const node = await store.getImage('node:18-slim');
    await validateImage(debian);
    await validateImage(node);
    const [debianConfig, nodeConfig] = [await debian.config(), await node.config()];
    expect(debianConfig.rootfs.diff_ids).toHaveLength(1);
    expect(nodeConfig.rootfs.diff_ids).toHaveLength(2);
    expect(nodeConfig.rootfs.diff_ids[0]).toBe(debianConfig.rootfs.diff_ids[0]);
    expect(nodeConfig.config?.Cmd).toEqual(['node']);
    expect(await store.resolveRef('node:18-bookworm-slim')).toBe(await store.resolveRef('node:18-slim'));

    const base = await layerPaths(debian, 0);
    expect(base.has('bin/sh') || base.has('usr/bin/sh')).toBe(true);
    expect(base.has('etc/passwd')).toBe(true);
    expect([...base].filter((p) => !p.includes('/')).sort()).not.toContain('.complete');
    expect([...base].filter((p) => p.startsWith('var/lib/apt/lists/') && !p.endsWith('/partial') && p !== 'var/lib/apt/lists/lock')).toEqual([]);
    const nodeLayer = await layerPaths(node, 1);
    expect(nodeLayer.has('usr/bin/node') || nodeLayer.has('usr/bin/nodejs')).toBe(true);
    expect(nodeLayer.has('bin/sh')).toBe(false);

    const again = await bootstrapBaseImages(store, { names: ['debian:bookworm-slim', 'node:18-slim'] });
    expect(again.every((r) => r.upToDate)).toBe(true);
    expect(again.map((r) => r.digest)).toEqual(first.map((r) => r.digest));
  });

  it('refuses names it cannot make, with a suggestion', async () => {
    const store = await openStore(sharedTestRoot());
    await expect(bootstrapBaseImages(store, { names: ['node:18-slimm'] })).rejects.toMatchObject({
      code: 'USAGE',
      hint: expect.stringContaining('did you mean node:18-slim?') as unknown,
    });
  });
});
