import { invariant } from '../errors/index.js';
import type { ContentSource, PlannedMount } from '../plan/index.js';
import { resolveInRoot } from '../runtime/index.js';
import type { ExtraMountInput } from '../runtime/index.js';
import { prepareSnapshot } from '../snapshot/index.js';
import type { MutableSnapshot } from '../snapshot/index.js';
import type { CacheMountHold } from './cache-mount-dirs.js';
import { prepareCacheMount } from './cache-mounts.js';
import type { BuildSession, FsState } from './session.js';


export interface PreparedMounts {
  readonly mounts: ExtraMountInput[];
  release(): Promise<void>;
}

/**
 * The extra mounts of a RUN: tmpfs; cache mounts (kept in the store across builds: cache-mounts.ts); bind
 * mounts of the context, a stage or an image (read-only by default; a read-write bind gets a
 * throw-away snapshot, as BuildKit discards its writes). Secret and ssh mounts are made by
 * prepareStepSecrets (secret-mounts.ts).
 */
export async function prepareRunMounts(
  session: BuildSession,
  planned: readonly PlannedMount[],
  sourceFs: (origin: ContentSource) => FsState | undefined,
): Promise<PreparedMounts> {
  const snapshots: Array<Pick<MutableSnapshot, 'release'>> = [];
  const stepHolds = new Map<string, Promise<CacheMountHold>>(); // one hold per cache per step
  const release = async (): Promise<void> => {
    await Promise.allSettled(snapshots.map((s) => s.release()));
  };
  const mounts: ExtraMountInput[] = [];
  try {
    for (const mount of planned) {
      switch (mount.type) {
        case 'tmpfs':
          mounts.push({ type: 'tmpfs', destination: mount.target, ...(mount.sizeLimit !== undefined ? { size: mount.sizeLimit } : {}) });
          break;
        case 'cache': {
          const cache = await prepareCacheMount(session, mount, { sourceFs, stepHolds });
          snapshots.push(cache); // released with the snapshots when the step ends
          mounts.push(cache.mount);
          break;
        }
        case 'bind': {
          const origin = mount.origin ?? { kind: 'context' };
          // the build context, or a --build-context NAME=DIR
          const contextDir = origin.kind === 'context' && origin.name !== undefined ? (await session.namedContext(origin.name)).root : session.options.contextDir;
          let root: string;
          if (origin.kind === 'context' && mount.readOnly) {
            root = contextDir;
          } else {
            const fs = origin.kind === 'context' ? undefined : sourceFs(origin);
            const lowers = fs === undefined ? [contextDir] : await session.lowerDirs(fs);
            invariant(origin.kind === 'context' || fs !== undefined, 'a bind mount source was not built');
            const snapshot = await prepareSnapshot(lowers, { root: session.store.root, signal: session.signal });
            snapshots.push(snapshot);
            root = snapshot.rootfs;
          }
          const source = await resolveInRoot(root, mount.source);
          mounts.push({ type: 'bind', source, destination: mount.target, options: ['rbind', mount.readOnly ? 'ro' : 'rw'] });
          break;
        }
        case 'secret':
        case 'ssh':
          break;
      }
    }
    return { mounts, release };
  } catch (err) {
    await release();
    throw err;
  }
}
