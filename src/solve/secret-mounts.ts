import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import type { PlannedMount, PlannedRun } from '../plan/index.js';
import type { ExtraMountInput } from '../runtime/index.js';
import { mountPrivateTmpfs } from '../secrets/index.js';
import type { AgentListener, PrivateTmpfs, SecretStore, SshAgents } from '../secrets/index.js';

type SecretMount = Extract<PlannedMount, { type: 'secret' }>;
type SshMount = Extract<PlannedMount, { type: 'ssh' }>;

/** What a RUN's secret and ssh mounts add to its container, and how to take it away again. */
export interface StepSecrets {
  readonly mounts: readonly ExtraMountInput[];
  /** `K=V` to append to the step's environment: env secrets and SSH_AUTH_SOCK. */
  readonly env: readonly string[];
  /** A directory on the step's private tmpfs for the runtime bundle (its config holds env secrets). */
  readonly tempDir: string | undefined;
  release(): Promise<void>;
}

export interface StepSecretSources {
  readonly secrets: SecretStore | undefined;
  readonly ssh: SshAgents | undefined;
}

const NOTHING: StepSecrets = { mounts: [], env: [], tempDir: undefined, release: () => Promise.resolve() };

function missingSecret(id: string): BuildError {
  return new BuildError('SECRET_NOT_FOUND', `secret ${id}: not found`, {
    hint: `pass it with --secret id=${id},src=FILE or --secret id=${id},env=VAR (or drop required=true)`,
    details: { id },
  });
}

function missingAgent(id: string): BuildError {
  return new BuildError('SSH_AGENT_NOT_FOUND', `no SSH key ${JSON.stringify(id)} forwarded from the client`, {
    hint: id === 'default' ? 'pass --ssh default (the agent of $SSH_AUTH_SOCK)' : `pass --ssh ${id}=SOCKET|KEYFILE (or drop required=true)`,
    details: { id },
  });
}

/**
 * Secret and ssh mounts of one RUN, as BuildKit's mount manager and exec op give them: each secret
 * file is written to a private tmpfs (never the snapshot) with its uid, gid and mode, and bound
 * read-only (nodev, nosuid, noexec unless the mode has execute bits) at its target; `env=` puts
 * the value in the step's environment (empty when an optional secret is missing); each ssh mount
 * is a socket on that tmpfs serving the agent, bound at its target, and SSH_AUTH_SOCK names the
 * first one unless the step's environment already has it. A required secret or agent that was not
 * given fails the step; an optional one is left out.
 */
export async function prepareStepSecrets(sources: StepSecretSources, run: PlannedRun): Promise<StepSecrets> {
  const secretMounts = run.mounts.filter((m): m is SecretMount => m.type === 'secret');
  const sshMounts = run.mounts.filter((m): m is SshMount => m.type === 'ssh');
  if (secretMounts.length === 0 && sshMounts.length === 0) return NOTHING;
  for (const mount of secretMounts) {
    if (mount.required && sources.secrets?.has(mount.id) !== true) throw missingSecret(mount.id);
  }
  for (const mount of sshMounts) {
    if (mount.required && sources.ssh?.has(mount.id) !== true) throw missingAgent(mount.id);
  }
  const env: string[] = [];
  const firstSsh = sshMounts[0];
  if (firstSsh !== undefined && !run.env.some((entry) => entry.startsWith('SSH_AUTH_SOCK='))) env.push(`SSH_AUTH_SOCK=${firstSsh.target}`);

  const tmpfs: PrivateTmpfs = await mountPrivateTmpfs();
  const listeners: AgentListener[] = [];
  const release = async (): Promise<void> => {
    await Promise.allSettled(listeners.map((l) => l.close()));
    await tmpfs.release();
  };
  try {
    const mounts: ExtraMountInput[] = [];
    for (const mount of secretMounts) {
      const data = await sources.secrets?.read(mount.id);
      if (data === undefined) {
        if (mount.env !== undefined && mount.env !== '') env.push(`${mount.env}=`);
        continue;
      }
      if (mount.target !== undefined) {
        const file = join(tmpfs.path, randomBytes(16).toString('hex'));
        await writeFile(file, data, { mode: 0o600 });
        await chown(file, mount.uid, mount.gid);
        await chmod(file, mount.mode & 0o777);
        const options = ['rbind', 'ro', 'nodev', 'nosuid', ...((mount.mode & 0o111) === 0 ? ['noexec'] : [])];
        mounts.push({ type: 'bind', source: file, destination: mount.target, options });
      }
      if (mount.env !== undefined && mount.env !== '') env.push(`${mount.env}=${data.toString('utf8')}`);
    }
    for (const [index, mount] of sshMounts.entries()) {
      if (sources.ssh?.has(mount.id) !== true) continue;
      const socket = join(tmpfs.path, `ssh_auth_sock.${String(index)}`);
      listeners.push(await sources.ssh.listen(mount.id, socket, { uid: mount.uid, gid: mount.gid, mode: mount.mode }));
      mounts.push({ type: 'bind', source: socket, destination: mount.target, options: ['rbind'] });
    }
    const tempDir = join(tmpfs.path, 'run');
    await mkdir(tempDir, { mode: 0o700 });
    return { mounts, env, tempDir, release };
  } catch (err) {
    await release();
    throw err;
  }
}
