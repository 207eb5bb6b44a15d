import { writeFileSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isDigest } from '../oci/index.js';
import type { Digest } from '../oci/index.js';
import { isErrno, randomSuffix, readJsonFile, storeWriteError, TEMP_PREFIX, unlinkQuietly } from './fs-util.js';
import type { StoreLock } from './lock.js';
import { currentOwner, isOwnerAlive } from './owner.js';

/*
 * Leases protect blobs that a writer has claimed but that no reference reaches yet (a putImage
 * between its first layer and its tag, a build between writing a layer and recording it). A lease
 * is a file `leases/OWNER.RANDOM.json` listing digests. Digests are added under the store lock
 * *before* the writer checks whether a blob exists or renames a new one into place; prune reads the
 * leases under the same lock and keeps every leased digest. So either a prune ran entirely before
 * the digest was leased (and the writer then finds the blob missing and writes it), or the prune
 * sees the lease. Leases are released when the work is done; the lease of a process that died is
 * ignored and removed by the next prune.
 */

export interface Lease {
  readonly path: string;
  /** Adds digests to the lease (takes the store lock briefly). */
  add(digests: Iterable<Digest>): Promise<void>;
  /** Adds digests; the caller already holds the store lock. */
  addLocked(digests: Iterable<Digest>): Promise<void>;
  release(): Promise<void>;
}

export class Leases {
  readonly dir: string;

  constructor(
    root: string,
    private readonly lock: StoreLock,
  ) {
    this.dir = join(root, 'leases');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Creates a lease (empty, or on `digests`). */
  async create(digests: Iterable<Digest> = []): Promise<Lease> {
    const path = join(this.dir, `${currentOwner()}.${randomSuffix()}.json`);
    const held = new Set<Digest>(digests);
    let released = false;
    // Written under the store lock, which every reader of leases holds too: so the file is
    // rewritten in place rather than through a temp file and a rename, as no reader can see it half
    // written. A new file per update cost an inode each time, and creating one in `leases/` took
    // 0.3-0.5 ms where builds had made and removed many files. Not fsynced: a lease protects blobs
    // only while its owner lives, and a crash ends that anyway. Synchronous: it is on the path of
    // every blob a build commits, and calls through a busy thread pool held the lock for milliseconds.
    const write = (): Promise<void> => {
      try {
        writeFileSync(path, JSON.stringify({ owner: currentOwner(), digests: [...held] }) + '\n');
      } catch (err) {
        throw storeWriteError(path, err);
      }
      return Promise.resolve();
    };
    const addLocked = async (more: Iterable<Digest>): Promise<void> => {
      if (released) throw new Error('lease already released');
      const before = held.size;
      for (const d of more) held.add(d);
      if (held.size !== before) await write();
    };
    await this.lock.withLock(write, { purpose: 'lease' });
    return {
      path,
      addLocked,
      add: (more) => this.lock.withLock(() => addLocked(more), { purpose: 'lease' }),
      release: async () => {
        released = true;
        await unlinkQuietly(path);
      },
    };
  }

  /** Digests held by live leases; leases of dead owners are removed on the way. Hold the lock. */
  async leasedDigests(): Promise<Set<Digest>> {
    const out = new Set<Digest>();
    for (const lease of await this.liveLeases()) for (const d of lease.digests) out.add(d);
    return out;
  }

  /**
   * The owners (`PID-STARTTIME`) of live leases, one entry per lease: who is writing to the store
   * right now (a build holds one from its start to its end). Hold the lock for an answer that no
   * new lease can change until it is released.
   */
  async liveOwners(): Promise<string[]> {
    return (await this.liveLeases()).map((lease) => lease.owner);
  }

  /** The leases of live owners; leases of dead owners are removed on the way. */
  private async liveLeases(): Promise<Array<{ owner: string; digests: Digest[] }>> {
    const out: Array<{ owner: string; digests: Digest[] }> = [];
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return out;
      throw err;
    }
    for (const name of names.sort()) {
      if (name.startsWith(TEMP_PREFIX) || !name.endsWith('.json')) continue;
      const path = join(this.dir, name);
      const owner = name.split('.')[0] ?? '';
      if (!(await isOwnerAlive(owner))) {
        await unlinkQuietly(path);
        continue;
      }
      const value = (await readJsonFile(path)) as { digests?: unknown } | undefined;
      if (value === undefined) continue; // released meanwhile
      const digests = Array.isArray(value.digests) ? (value.digests as unknown[]) : [];
      out.push({ owner, digests: digests.filter((d): d is Digest => typeof d === 'string' && isDigest(d)) });
    }
    return out;
  }
}
