/**
 * Creating a container (docker's `create` half of `run`): the image is looked up in the store and
 * its layers unpacked (once, shared), the process, environment, user, working directory and stop
 * signal are worked out from the image config and the flags, a name is taken, and the record is
 * written with status `created`. Nothing runs and nothing is mounted yet.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { hostname as hostName } from 'node:os';
import { posix } from 'node:path';
import { BuildError, isBuildError } from '../errors/index.js';
import { unpackLayer } from '../snapshot/index.js';
import type { Store } from '../store/index.js';
import type { ContainerNetwork, ContainerRecord, PortMapping, VolumeMount } from './container-record.js';
import { writeContainerRecord } from './container-record.js';
import { generateContainerName, newContainerId, reserveContainerName, shortContainerId, validateContainerName } from './container-names.js';
import { containerEnv } from './environment.js';
import { containerDir } from './layout.js';
import { normalizeSignal, resolveProcessArgs } from './process-command.js';

export const DEFAULT_STOP_TIMEOUT = 10;

export interface CreateContainerRequest {
  /** The image as the user named it (a reference or an image ID). */
  readonly image: string;
  readonly name?: string;
  /** Arguments after IMAGE. */
  readonly command: readonly string[];
  readonly entrypoint?: string;
  /** KEY=VALUE entries from --env-file and -e, in that order, already expanded. */
  readonly env: readonly string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly hostname?: string;
  readonly network: ContainerNetwork;
  readonly ports: readonly PortMapping[];
  readonly volumes: readonly VolumeMount[];
  readonly stopSignal?: string;
  readonly stopTimeout?: number;
  readonly autoRemove: boolean;
  readonly signal?: AbortSignal;
}

export interface CreatedContainer {
  readonly record: ContainerRecord;
  /** Things docker would warn about (ports ignored with the host network, ...). */
  readonly warnings: readonly string[];
}

async function lookupImage(store: Store, ref: string): Promise<Awaited<ReturnType<Store['getImage']>>> {
  try {
    return await store.getImage(ref);
  } catch (err) {
    if (isBuildError(err) && err.code === 'IMAGE_NOT_FOUND') {
      throw new BuildError('IMAGE_NOT_FOUND', `Unable to find image '${ref}' locally`, {
        hint: `build it (stagecraft build -t ${ref} .), pull it (stagecraft pull ${ref}) or load it first`,
        details: { ...err.details, image: ref },
        cause: err,
      });
    }
    throw err;
  }
}

function resolveWorkdir(flag: string | undefined, image: string | undefined): string {
  const dir = flag ?? (image === undefined || image === '' ? '/' : image);
  if (flag !== undefined && !flag.startsWith('/')) {
    throw new BuildError('USAGE', `the working directory '${flag}' is invalid, it needs to be an absolute path`, { details: { workdir: flag } });
  }
  return posix.resolve('/', dir);
}

function networkPorts(network: ContainerNetwork, ports: readonly PortMapping[], warnings: string[]): readonly PortMapping[] {
  if (ports.length === 0 || network === 'private') return ports;
  if (network === 'none') {
    throw new BuildError('USAGE', 'conflicting options: port publishing and the container type network mode', {
      hint: 'a container with --network none has no network to publish ports from',
    });
  }
  warnings.push('Published ports are discarded when using host network mode');
  return [];
}

/** Makes missing host directories for -v sources, as docker does for binds. */
async function ensureVolumeSources(volumes: readonly VolumeMount[]): Promise<void> {
  for (const volume of volumes) {
    try {
      await stat(volume.source);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(volume.source, { recursive: true, mode: 0o755 });
    }
  }
}

/** Creates a container from an image in `store` (the state root is the store's root). */
export async function createContainer(store: Store, request: CreateContainerRequest): Promise<CreatedContainer> {
  const root = store.root;
  const warnings: string[] = [];
  const image = await lookupImage(store, request.image);
  const [manifestDigest, config, layers] = await Promise.all([image.digest(), image.config(), image.layers()]);
  const runtime = config.config;
  const args = resolveProcessArgs(runtime, { command: request.command, ...(request.entrypoint !== undefined ? { entrypoint: request.entrypoint } : {}) });
  const workdir = resolveWorkdir(request.workdir, runtime?.WorkingDir);
  const stopSignal = normalizeSignal(request.stopSignal ?? runtime?.StopSignal ?? 'SIGTERM');
  const ports = networkPorts(request.network, request.ports, warnings);
  const name = request.name !== undefined ? validateContainerName(request.name) : undefined;
  await ensureVolumeSources(request.volumes);

  const lowerDirs: string[] = [];
  for (const layer of layers) lowerDirs.unshift(await unpackLayer(store, layer, request.signal !== undefined ? { signal: request.signal } : {}));

  const id = newContainerId();
  const hostname = request.network === 'host' ? hostName() : (request.hostname ?? shortContainerId(id));
  const record: ContainerRecord = {
    version: 1,
    id,
    name: name ?? '',
    image: request.image,
    imageId: (await image.manifest()).config.digest,
    imageDigest: manifestDigest,
    created: new Date().toISOString(),
    args,
    env: containerEnv(runtime?.Env ?? [], request.env, hostname),
    user: request.user ?? runtime?.User ?? '',
    workdir,
    hostname,
    network: request.network,
    ports,
    exposedPorts: Object.keys(runtime?.ExposedPorts ?? {}),
    volumes: request.volumes,
    stopSignal,
    stopTimeout: request.stopTimeout ?? DEFAULT_STOP_TIMEOUT,
    autoRemove: request.autoRemove,
    lowerDirs,
    status: 'created',
  };
  await mkdir(containerDir(root, id), { recursive: true, mode: 0o710 });
  try {
    let finalName = record.name;
    if (name !== undefined) {
      await reserveContainerName(root, name, id);
    } else {
      for (let attempt = 0; ; attempt++) {
        finalName = generateContainerName(attempt);
        try {
          await reserveContainerName(root, finalName, id);
          break;
        } catch (err) {
          if (!isBuildError(err) || err.code !== 'CONTAINER_NAME_IN_USE' || attempt >= 20) throw err;
        }
      }
    }
    const named: ContainerRecord = { ...record, name: finalName };
    await writeContainerRecord(root, named);
    return { record: named, warnings };
  } catch (err) {
    await rm(containerDir(root, id), { recursive: true, force: true });
    throw err;
  }
}
