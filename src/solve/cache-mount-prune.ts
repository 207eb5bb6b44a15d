import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { currentOwner, isOwnerAlive } from '../store/index.js';
import { diskUsage } from '../util/disk-usage.js';
import { cacheMountsDir, scanGroup, withGroupLock } from './cache-mount-dirs.js';

export interface CacheMountPruneResult {
  /** Cache instances removed (a cache used by several steps at once may have several). */
  readonly removed: number;
  /** Labels (`id=npm`, ...) of the caches that were removed whole. */
  readonly removedCaches: readonly string[];
  /** Instances kept because a running step uses them. */
  readonly inUse: number;
  readonly freedBytes: number;
}

const TEMP = '.tmp.';
const GROUP = /^[0-9a-f]{64}$/;
const INSTANCE = /^\d+$/;

function trashName(): string {
  return `${TEMP}${currentOwner()}.${randomBytes(6).toString('hex')}.pruned`;
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function labelOf(group: string): Promise<string> {
  try {
    const value = JSON.parse(await readFile(join(group, 'key.json'), 'utf8')) as { label?: unknown };
    return typeof value.label === 'string' ? value.label : '?';
  } catch {
    return '?';
  }
}

/** Measures and removes `path` after renaming it to `trash` (so a crash mid-removal leaves a temp entry, never half an instance). */
async function removeAs(path: string, trash: string, signal: AbortSignal | undefined): Promise<number> {
  const { bytes } = await diskUsage(path, signal !== undefined ? { signal } : {});
  await rename(path, trash);
  await rm(trash, { recursive: true, force: true });
  return bytes;
}

/**
 * Empties the cache mounts (`prune --cache`): every instance no running step uses is removed,
 * under its cache's lock, so a step cannot start using it meanwhile; a cache nobody uses goes
 * whole (its lock file with it: a waiter makes the cache again). What prunes and builds that died
 * left half-removed or half-seeded is removed too.
 */
export async function pruneCacheMounts(root: string, options: { signal?: AbortSignal } = {}): Promise<CacheMountPruneResult> {
  const dir = cacheMountsDir(root);
  let removed = 0;
  let inUse = 0;
  let freedBytes = 0;
  const removedCaches: string[] = [];
  for (const name of (await names(dir)).sort()) {
    options.signal?.throwIfAborted();
    const path = join(dir, name);
    if (name.startsWith(TEMP)) {
      if (!(await isOwnerAlive(name.slice(TEMP.length).split('.')[0] ?? ''))) freedBytes += await removeAs(path, join(dir, trashName()), options.signal);
      continue;
    }
    if (!GROUP.test(name)) continue;
    await withGroupLock(
      path,
      async () => {
        const { instances, users } = await scanGroup(path);
        const busy = new Set(users.map((u) => u.instance));
        if (busy.size === 0) {
          const label = await labelOf(path);
          freedBytes += await removeAs(path, join(dir, trashName()), options.signal);
          removed += instances.length;
          if (instances.length > 0 || label !== '?') removedCaches.push(label);
          return;
        }
        for (const entry of await names(path)) {
          if (!INSTANCE.test(entry)) continue;
          if (busy.has(Number(entry))) {
            inUse++;
            continue;
          }
          freedBytes += await removeAs(join(path, entry), join(path, trashName()), options.signal);
          removed++;
        }
      },
      options.signal,
    );
  }
  return { removed, removedCaches, inUse, freedBytes };
}
