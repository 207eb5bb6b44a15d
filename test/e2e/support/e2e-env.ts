import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { bootstrapBaseImages, findDebianMirror } from '../../../src/bootstrap/index.js';
import { overlayAvailable } from '../../../src/snapshot/index.js';
import { sharedTestRoot } from '../../support/test-store-root.js';

/**
 * The state directory of the end-to-end build tests: beside the shared test root (so the
 * bootstrapped images are made once per machine), but its own, because its base images carry the
 * host's CA bundle (npm in a RUN step must reach the registry through this machine's TLS proxy)
 * and the plain bootstrap tests check images made without it.
 */
export function e2eRoot(): string {
  return `${sharedTestRoot()}-e2e`;
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** Why the end-to-end tests cannot run here, or undefined when they can. */
export async function e2eUnavailable(): Promise<string | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root (runc, mounts and debootstrap need it)';
  if (!has('runc')) return 'runc is not installed';
  if (!has('debootstrap')) return 'debootstrap is not installed';
  if ((await findDebianMirror()) === undefined) return 'no Debian mirror in /etc/apt';
  await mkdir(e2eRoot(), { recursive: true });
  if (!(await overlayAvailable(e2eRoot()))) return 'overlayfs cannot be mounted under the test root';
  return undefined;
}

/**
 * Links the debootstrap'd minbase of the shared test root, when it has one, so it is not made (nor
 * stored) twice: bootstrap only reads it (an overlay lowerdir, a layer's source).
 */
function seedMinbase(root: string): void {
  const from = join(sharedTestRoot(), 'bootstrap');
  const to = join(root, 'bootstrap');
  if (existsSync(join(to, 'minbase-bookworm.complete')) || !existsSync(join(from, 'minbase-bookworm.complete'))) return;
  spawnSync('mkdir', ['-p', to]);
  for (const name of ['minbase-bookworm', 'minbase-bookworm.complete', 'minbase-bookworm.v2.tar']) {
    if (existsSync(join(from, name))) spawnSync('cp', ['-al', join(from, name), to]);
  }
}

/** A lock file held while one test process bootstraps, so parallel test files do not race. */
async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (await stat(path).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 30 * 60_000) await rm(path, { force: true }); // a crashed holder
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}

/** Makes (once per machine; later calls find them up to date) the base images the tests build on, with the host CAs. */
export async function ensureBaseImages(names: readonly string[]): Promise<void> {
  const root = e2eRoot();
  await mkdir(root, { recursive: true });
  await withFileLock(join(root, 'bootstrap.lock'), async () => {
    seedMinbase(root);
    const { openStore } = await import('../../../src/store/index.js');
    const store = await openStore(root);
    await bootstrapBaseImages(store, { names, withHostCaCertificates: true });
  });
}
