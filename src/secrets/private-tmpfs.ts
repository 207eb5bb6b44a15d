import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BuildError } from '../errors/index.js';

const run = promisify(execFile);

/** A directory only root can enter, on a tmpfs of its own: what is written there never reaches a disk. */
export interface PrivateTmpfs {
  readonly path: string;
  /** Unmounts the tmpfs (its files go with it) and removes the directory. */
  release(): Promise<void>;
}

async function mounted(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return info.split('\n').some((line) => line.split(' ')[4] === path);
}

/**
 * Mounts a fresh tmpfs (mode 0700, nodev, nosuid) on a new directory under the temp directory, as
 * BuildKit keeps a step's secrets on a tmpfs of their own. Needs the privilege to mount (a build
 * that runs steps has it).
 */
export async function mountPrivateTmpfs(prefix = 'stagecraft-secrets-'): Promise<PrivateTmpfs> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'mode=0700,nodev,nosuid', 'tmpfs', path]);
  } catch (err) {
    await rmdir(path).catch(() => undefined);
    const stderr = (err as { stderr?: string }).stderr ?? (err as Error).message;
    throw new BuildError('RUN_SETUP_FAILED', `cannot mount a tmpfs for the step's secrets: ${stderr.trim()}`, {
      hint: 'secret and ssh mounts need the privilege to mount a tmpfs (run the build as root)',
    });
  }
  let released = false;
  return {
    path,
    release: async () => {
      if (released) return;
      released = true;
      await run('umount', [path]).catch(() => undefined);
      if (await mounted(path)) await run('umount', ['-l', path]).catch(() => undefined);
      await rmdir(path).catch(() => undefined);
    },
  };
}
