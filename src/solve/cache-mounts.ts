import { execFile } from 'node:child_process';
import { chmod, chown, lstat, mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { BuildError } from '../errors/index.js';
import type { ContentSource, PlannedMount } from '../plan/index.js';
import { resolveInRoot } from '../runtime/index.js';
import type { ExtraMountInput } from '../runtime/index.js';
import { holdCacheMount } from './cache-mount-dirs.js';
import type { CacheMountHold } from './cache-mount-dirs.js';
import type { BuildSession, FsState } from './session.js';
import { viewSnapshot } from './with-snapshot.js';

const run = promisify(execFile);

export type PlannedCacheMount = Extract<PlannedMount, { type: 'cache' }>;

/** Where a cache's first content comes from: nothing, a built stage or image, or the context directory. */
export type CacheBase = { readonly kind: 'empty' } | { readonly kind: 'fs'; readonly key: string } | { readonly kind: 'dir'; readonly path: string };

export interface CacheMountSpec {
  /** The cache's identity: steps with the same key share its instances, across builds. */
  readonly key: string;
  /** For prune's report. */
  readonly label: string;
  /** The path in the base that seeds a new instance (the instance is a copy of it); undefined: a new directory. */
  readonly seedPath: string | undefined;
  /** Owner and mode of a new directory instance. */
  readonly owner: { readonly uid: number; readonly gid: number; readonly mode: number };
  /** The path inside the instance that the step sees at its target ('/' = the instance itself). */
  readonly mountPath: string;
}

/**
 * What BuildKit makes of a cache mount (dockerfile2llb + its mount manager), for our directories:
 * - The cache is `id` (default: the target as written, cleaned) plus the state it starts from:
 *   none, or `from`'s result. With uid/gid/mode and no `source`, BuildKit starts it from a new
 *   `/cache` directory with that owner and mode made on that state, so they are part of its
 *   identity too; with a `source`, uid/gid/mode are not used.
 * - Without `from`, a new cache is an empty directory (0755 root, or the given owner and mode) and
 *   `source` picks a path inside it, which must exist.
 * - With `from`, the step sees `from`'s `source` (or its `/cache` when only uid/gid/mode are given)
 *   and what earlier steps wrote there. BuildKit keeps the whole `from` state under the cache and
 *   mounts the path; we copy only that path, so the source path is part of the key (two mounts of
 *   one id and `from` at different paths do not see each other's writes, as they could in BuildKit).
 */
export function cacheMountSpec(mount: PlannedCacheMount, base: CacheBase): CacheMountSpec {
  const sourceGiven = mount.source !== '/';
  const ownerInKey = !sourceGiven && mount.ownerSet;
  const owner = ownerInKey ? { uid: mount.uid, gid: mount.gid, mode: mount.mode } : { uid: 0, gid: 0, mode: 0o755 };
  const baseKey = base.kind === 'empty' ? null : base.kind === 'fs' ? base.key : `dir:${base.path}`;
  const key = JSON.stringify({
    id: mount.id,
    base: baseKey,
    ...(ownerInKey ? { owner: [owner.uid, owner.gid, owner.mode] } : {}),
    ...(base.kind !== 'empty' && sourceGiven ? { source: mount.source } : {}),
  });
  const label = [`id=${mount.id}`, ...(mount.origin !== undefined && mount.origin.kind !== 'scratch' ? [`from=${fromLabel(mount.origin)}`] : []), ...(sourceGiven ? [`source=${mount.source}`] : [])].join(',');
  if (base.kind === 'empty') return { key, label, seedPath: undefined, owner, mountPath: mount.source };
  return { key, label, seedPath: sourceGiven ? mount.source : ownerInKey ? '/cache' : '/', owner, mountPath: '/' };
}

function fromLabel(origin: ContentSource): string {
  switch (origin.kind) {
    case 'stage':
      return `stage ${String(origin.stage)}`;
    case 'image':
      return origin.image;
    case 'context':
      return 'context';
    case 'scratch':
      return 'scratch';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function newDirectory(target: string, owner: CacheMountSpec['owner']): Promise<void> {
  await mkdir(target);
  await chown(target, owner.uid, owner.gid);
  await chmod(target, owner.mode);
}

function notFound(mount: PlannedCacheMount, where: string): BuildError<'RUN_SETUP_FAILED'> {
  return new BuildError('RUN_SETUP_FAILED', `cache mount ${mount.target}: ${mount.source} not found in ${where}`, {
    hint: 'source= must name a path that exists in the cache (or in from=, when given)',
    details: { target: mount.target, source: mount.source, id: mount.id },
  });
}

/** Copies `path` of `root` (symlinks resolved inside it) to `target`; a missing `/cache` seeds a new directory. */
async function seedFrom(root: string, spec: CacheMountSpec, target: string, mount: PlannedCacheMount): Promise<void> {
  const path = spec.seedPath ?? '/';
  const resolved = await resolveInRoot(root, path);
  if (!(await exists(resolved))) {
    if (path === '/cache' && mount.source === '/') return newDirectory(target, spec.owner);
    throw notFound(mount, mount.origin !== undefined ? fromLabel(mount.origin) : 'the cache');
  }
  await run('cp', ['-a', '--reflink=auto', '--', resolved, target]);
}

export interface PrepareCacheMountOptions {
  /** The file system of a built stage or image a mount's `from` names. */
  readonly sourceFs: (origin: ContentSource) => FsState | undefined;
  /**
   * The caches this step holds already, by key: two mounts of one cache in one RUN share its
   * instance, as BuildKit shares a cache between the mounts of one exec (a second hold of a
   * `locked` cache would wait for the first forever).
   */
  readonly stepHolds?: Map<string, Promise<CacheMountHold>>;
}

/**
 * Holds the cache of a RUN's `--mount=type=cache` for the step (waiting for it when it is
 * `locked` and in use) and gives the bind mount of it; release it when the step ends.
 */
export async function prepareCacheMount(
  session: BuildSession,
  mount: PlannedCacheMount,
  options: PrepareCacheMountOptions,
): Promise<{ readonly mount: ExtraMountInput; release(): Promise<void> }> {
  const origin = mount.origin;
  const fs = origin === undefined || origin.kind === 'scratch' || origin.kind === 'context' ? undefined : options.sourceFs(origin);
  if (origin !== undefined && (origin.kind === 'stage' || origin.kind === 'image') && fs === undefined) {
    throw new Error('invariant failed: a cache mount source was not built');
  }
  const base: CacheBase = fs !== undefined ? { kind: 'fs', key: fs.key } : origin?.kind === 'context' ? { kind: 'dir', path: session.options.contextDir } : { kind: 'empty' };
  const spec = cacheMountSpec(mount, base);
  const seed = async (target: string): Promise<void> => {
    if (fs !== undefined) await viewSnapshot(session, fs, (rootfs) => seedFrom(rootfs, spec, target, mount));
    else if (base.kind === 'dir') await seedFrom(base.path, spec, target, mount);
    else await newDirectory(target, spec.owner);
  };
  let held = options.stepHolds?.get(spec.key);
  if (held === undefined) {
    held = holdCacheMount(session.store.root, spec.key, { sharing: mount.sharing, label: spec.label, seed, signal: session.signal });
    options.stepHolds?.set(spec.key, held);
  }
  const hold = await held;
  try {
    const source = spec.mountPath === '/' ? hold.path : await resolveInRoot(hold.path, spec.mountPath);
    if (!(await exists(source))) throw notFound(mount, 'the cache');
    return {
      mount: { type: 'bind', source, destination: mount.target, options: ['rbind', mount.readOnly ? 'ro' : 'rw'] },
      release: () => hold.release(),
    };
  } catch (err) {
    await hold.release();
    throw err;
  }
}
