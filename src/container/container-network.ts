/**
 * Networks for `run --network`:
 * - `host`: the host's network namespace, shared;
 * - `none`: a namespace of its own with only loopback (runc makes it);
 * - `private` (the default, docker's bridge in spirit): a namespace of its own, made before the
 *   container and bind-mounted at `containers/<id>/netns`, with slirp4netns attached for outbound
 *   access and for `-p` forwards from 127.0.0.1. The namespace exists before the container's
 *   process starts, so the network is up (and the ports forwarded) before its first instruction.
 */
import { createSocket } from 'node:dgram';
import { writeFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { runCommand } from '../snapshot/run-command.js';
import { unmount } from '../snapshot/mounts.js';
import type { ContainerNetwork, PortMapping } from './container-record.js';
import { containerDir } from './layout.js';
import { addHostForward, startSlirp } from './slirp.js';
import type { SlirpProcess } from './slirp.js';

export interface ContainerNetworkSetup {
  /** The network namespace to join (private), or undefined (runc makes one for `none`; `host` shares). */
  readonly namespacePath?: string;
  /** The forwards in place, host ports chosen where `-p` left them to the system. */
  readonly ports: readonly PortMapping[];
  readonly slirpPid?: number;
  /** Stops slirp4netns and removes the namespace. Idempotent. */
  release(): Promise<void>;
}

export function netnsPath(root: string, id: string): string {
  return join(containerDir(root, id), 'netns');
}

/** A port of 127.0.0.1 free right now, for `-p CONTAINERPORT` (docker picks an ephemeral one too). */
export function findFreePort(protocol: 'tcp' | 'udp'): Promise<number> {
  return new Promise((resolve, reject) => {
    if (protocol === 'udp') {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        const { port } = socket.address();
        socket.close(() => {
          resolve(port);
        });
      });
      return;
    }
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function removeNamespace(path: string): Promise<void> {
  await unmount(path);
  await rm(path, { force: true });
}

async function createNamespace(path: string): Promise<void> {
  await writeFile(path, '', { mode: 0o600 });
  const result = await runCommand('unshare', [`--net=${path}`, 'true']);
  if (result.code !== 0) {
    await removeNamespace(path).catch(() => undefined);
    throw new BuildError('NETWORK_SETUP_FAILED', `cannot create a network namespace: ${result.stderr || `unshare exited with ${String(result.code)}`}`, {
      hint: 'a private network needs root (or use --network host)',
      details: { exitCode: 125 },
    });
  }
}

async function forwardPorts(dir: string, ports: readonly PortMapping[]): Promise<PortMapping[]> {
  const done: PortMapping[] = [];
  for (const mapping of ports) {
    const hostPort = mapping.hostPort === 0 ? await findFreePort(mapping.protocol) : mapping.hostPort;
    const error = await addHostForward(dir, { proto: mapping.protocol, hostAddr: mapping.hostIp, hostPort, guestPort: mapping.containerPort });
    if (error !== undefined) {
      throw new BuildError('NETWORK_SETUP_FAILED', `Bind for ${mapping.hostIp}:${String(hostPort)} failed: port is already allocated (slirp4netns: ${error})`, {
        hint: `another process listens on ${mapping.hostIp}:${String(hostPort)}/${mapping.protocol}: stop it or publish another host port`,
        details: { exitCode: 125, port: hostPort, protocol: mapping.protocol },
      });
    }
    done.push({ ...mapping, hostPort });
  }
  return done;
}

/** Sets up the container's network before its process starts. */
export async function setupContainerNetwork(root: string, id: string, network: ContainerNetwork, ports: readonly PortMapping[]): Promise<ContainerNetworkSetup> {
  if (network !== 'private') return { ports: [], release: () => Promise.resolve() };
  const path = netnsPath(root, id);
  await createNamespace(path);
  let slirp: SlirpProcess | undefined;
  let released: Promise<void> | undefined;
  const release = (): Promise<void> => {
    released ??= (async () => {
      await slirp?.stop();
      await removeNamespace(path);
    })();
    return released;
  };
  try {
    slirp = await startSlirp(path, containerDir(root, id));
    const forwarded = await forwardPorts(containerDir(root, id), ports);
    return { namespacePath: path, ports: forwarded, slirpPid: slirp.pid, release };
  } catch (err) {
    await release();
    throw err;
  }
}
