import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { BuildError } from '../errors/index.js';
import { eventTime } from '../events/index.js';
import type { EventSink } from '../events/index.js';
import { withLayerCompression } from '../image/index.js';
import type { Image } from '../image/index.js';
import { parseReference } from '../oci/index.js';
import type { RegistrySettings } from '../registry/index.js';
import { directoryLayerEntries, prepareSnapshot } from '../snapshot/index.js';
import type { Store } from '../store/index.js';
import { writeTar } from '../tar/index.js';
import type { OutputSpec } from './output-spec.js';
import type { BuildResult } from './types.js';

export interface WriteOutputsOptions {
  readonly store: Store;
  /** `-t` names: the default names of image, registry, oci and docker outputs. */
  readonly tags: readonly string[];
  readonly registry?: () => Promise<RegistrySettings>;
  /** Where a `dest=-` output goes (standard output in the CLI). */
  readonly stdout?: Writable;
  readonly events?: EventSink;
  readonly signal?: AbortSignal;
}

/** What one output wrote, for the CLI to report. */
export interface WrittenOutput {
  readonly type: OutputSpec['type'];
  readonly dest?: string;
  /** Names tagged or pushed. */
  readonly names?: readonly string[];
}

const run = promisify(execFile);

function destination(dest: string, stdout: Writable | undefined): string | Writable {
  if (dest !== '-') return dest;
  if (stdout === undefined) throw new BuildError('USAGE', 'this output cannot go to standard output here');
  return stdout;
}

/** The final file system as one view (a snapshot over the image's unpacked layers), released after `use`. */
async function withRootfs<T>(result: BuildResult, store: Store, signal: AbortSignal | undefined, use: (rootfs: string) => Promise<T>): Promise<T> {
  const snapshot = await prepareSnapshot(await result.lowerDirs(), { root: store.root, ...(signal !== undefined ? { signal } : {}) });
  try {
    return await use(snapshot.rootfs);
  } finally {
    await snapshot.release();
  }
}

async function pushAll(image: Image, names: readonly string[], options: WriteOutputsOptions): Promise<void> {
  if (names.length === 0) throw new BuildError('USAGE', 'nothing to push to: give the image a name with -t NAME (or name= in --output)');
  const compressed = withLayerCompression(image, 'gzip');
  const [{ pushImage }, settings] = await Promise.all([import('../registry/index.js'), options.registry?.()]);
  for (const name of names) {
    const started = eventTime();
    const id = `push:${name}`;
    options.events?.({ type: 'step-started', id, time: started, label: `pushing ${name}` });
    await pushImage(compressed, parseReference(name), {
      ...(settings !== undefined ? { credentials: settings.credentials, registriesConfig: settings.registriesConfig } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    options.events?.({ type: 'step-done', id, time: eventTime(), durationMs: eventTime() - started });
  }
}

/**
 * Writes a build's image where each `--output` says: tags and pushes (image, registry), an OCI
 * layout or archive (layers gzip-compressed, as BuildKit writes them), a docker-archive for
 * `docker load`, or the final file system as a directory or a tar.
 */
export async function writeOutputs(result: BuildResult, outputs: readonly OutputSpec[], options: WriteOutputsOptions): Promise<WrittenOutput[]> {
  const { store, signal } = options;
  const signalOption = signal !== undefined ? { signal } : {};
  const written: WrittenOutput[] = [];
  for (const output of outputs) {
    switch (output.type) {
      case 'image': {
        for (const name of output.names) await store.tag(result.digest, name);
        const names = output.names.length > 0 ? output.names : options.tags;
        if (output.push) await pushAll(result.image, names, options);
        written.push({ type: output.type, names });
        break;
      }
      case 'oci': {
        const { writeOciLayout } = await import('../export/index.js');
        const names = output.names.length > 0 ? output.names : options.tags;
        await writeOciLayout([{ image: result.image, tags: names }], destination(output.dest, options.stdout), {
          format: output.tar ? 'tar' : 'dir',
          layerCompression: output.compression,
          ...signalOption,
        });
        written.push({ type: output.type, dest: output.dest, names });
        break;
      }
      case 'docker': {
        const { writeDockerArchive } = await import('../export/index.js');
        const names = output.names.length > 0 ? output.names : options.tags;
        await writeDockerArchive([{ image: result.image, tags: names }], destination(output.dest, options.stdout), signalOption);
        written.push({ type: output.type, dest: output.dest, names });
        break;
      }
      case 'local':
        await mkdir(output.dest, { recursive: true });
        await withRootfs(result, store, signal, async (rootfs) => {
          await run('cp', ['-a', '--', `${rootfs}/.`, output.dest], signalOption);
        });
        written.push({ type: output.type, dest: output.dest });
        break;
      case 'tar': {
        const dest = destination(output.dest, options.stdout);
        await withRootfs(result, store, signal, async (rootfs) => {
          const tar = Readable.from(writeTar(directoryLayerEntries(rootfs, { mode: 'full', ...signalOption })));
          await pipeline(tar, typeof dest === 'string' ? createWriteStream(dest) : dest, { ...signalOption, end: typeof dest === 'string' });
        });
        written.push({ type: output.type, dest: output.dest });
        break;
      }
    }
  }
  return written;
}
