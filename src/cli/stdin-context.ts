import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BuildError } from '../errors/index.js';
import { sniffContextArchive, unpackContextArchive } from '../ops/index.js';
import { resolveInRoot } from '../runtime/index.js';

/** A build context read from standard input (`stagecraft build -`), in a private temp dir. */
export interface StdinContext {
  /** The context directory: the unpacked archive, or an empty directory. */
  readonly contextDir: string;
  /** The Dockerfile's display name (errors point at it) and text. */
  readonly file: string;
  readonly text: string;
  /** Whether the input was an archive (BuildKit applies no .dockerignore to it). */
  readonly fromArchive: boolean;
  /** Removes the temp dir (after the build). */
  release(): Promise<void>;
}

/**
 * Reads the context from `input` as `docker build -` does: a tar archive (plain, gzip, bzip2, xz
 * or zstd) is unpacked safely into a private temp dir and its Dockerfile is `-f PATH` inside it
 * (`Dockerfile` by default); anything else is the Dockerfile itself, with an empty context.
 * `-f -` cannot be used with it (stdin is read once), nor `-f` with a plain Dockerfile.
 */
export async function readStdinContext(
  input: Readable,
  options: { readonly dockerfile: string | undefined; readonly tempParent?: string; readonly signal?: AbortSignal },
): Promise<StdinContext> {
  if (options.dockerfile === '-') {
    throw new BuildError('USAGE', "invalid argument: can't use stdin for both build context and dockerfile", {
      hint: 'give the Dockerfile with -f FILE, or put it in the archive',
    });
  }
  const temp = await mkdtemp(join(options.tempParent ?? tmpdir(), 'stagecraft-stdin-'));
  const release = (): Promise<void> => rm(temp, { recursive: true, force: true });
  try {
    const spooled = join(temp, 'input');
    await pipeline(input, createWriteStream(spooled), ...(options.signal !== undefined ? [{ signal: options.signal }] : []));
    const contextDir = join(temp, 'context');
    await mkdir(contextDir);
    const compression = await sniffContextArchive(spooled);
    if (compression === undefined) {
      if (options.dockerfile !== undefined) {
        throw new BuildError('USAGE', 'ambiguous Dockerfile source: both stdin and flag correspond to Dockerfiles', {
          hint: 'send an archive with the Dockerfile in it, or drop -f',
        });
      }
      const text = await readFile(spooled, 'utf8');
      await rm(spooled);
      return { contextDir, file: '<stdin>', text, fromArchive: false, release };
    }
    await unpackContextArchive(spooled, compression, contextDir, options.signal !== undefined ? { signal: options.signal } : {});
    await rm(spooled);
    const name = options.dockerfile ?? 'Dockerfile';
    let text: string;
    try {
      text = await readFile(await resolveInRoot(contextDir, name), 'utf8');
    } catch {
      throw new BuildError('DOCKERFILE_NOT_FOUND', `failed to read dockerfile: open ${name}: no such file or directory in the context archive`, {
        hint: 'put a Dockerfile at the root of the archive, or name it with -f PATH-IN-THE-ARCHIVE',
      });
    }
    return { contextDir, file: `<stdin>/${name}`, text, fromArchive: true, release };
  } catch (err) {
    await release();
    throw err;
  }
}
