import type { CommitResult } from '../snapshot/index.js';
import { prepareSnapshot } from '../snapshot/index.js';
import type { BuildSession, FsState } from './session.js';

/**
 * Prepares a writable snapshot over `fs`, lets `change` work in its rootfs, commits the changes as
 * a new layer (undefined when nothing changed) and always releases the snapshot.
 */
export async function changeInSnapshot(
  session: BuildSession,
  fs: FsState,
  change: (rootfs: string) => Promise<void>,
): Promise<CommitResult | undefined> {
  const { signal, store } = session;
  const lowers = await session.lowerDirs(fs);
  const snapshot = await prepareSnapshot(lowers, { root: store.root, signal });
  try {
    await change(snapshot.rootfs);
    signal.throwIfAborted();
    return await snapshot.commit(store, {
      signal,
      lease: await session.lease(),
      ...(session.options.epoch !== undefined ? { clampMtime: session.options.epoch } : {}),
    });
  } finally {
    // removing the snapshot's directories (its changes are in the store by now, or not wanted)
    // needs no waiting for: the build waits for it before it returns
    session.defer(snapshot.release());
  }
}

/** A view of `fs` kept open until `release()` (a snapshot never committed). */
export async function openView(session: BuildSession, fs: FsState): Promise<{ readonly rootfs: string; release(): Promise<void> }> {
  const lowers = await session.lowerDirs(fs);
  const snapshot = await prepareSnapshot(lowers, { root: session.store.root, signal: session.signal });
  return { rootfs: snapshot.rootfs, release: () => snapshot.release() };
}

/**
 * Gives `read` a view of `fs` (a snapshot released afterwards, never committed): for copying from
 * or hashing another stage's files, and for read-write bind mounts whose writes are thrown away.
 */
export async function viewSnapshot<T>(session: BuildSession, fs: FsState, read: (rootfs: string) => Promise<T>): Promise<T> {
  const lowers = await session.lowerDirs(fs);
  const snapshot = await prepareSnapshot(lowers, { root: session.store.root, signal: session.signal });
  try {
    return await read(snapshot.rootfs);
  } finally {
    await snapshot.release();
  }
}

