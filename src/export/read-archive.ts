import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BuildError } from '../errors/index.js';
import { MAGIC_LENGTH, decompress, detectCompression, isCorruptDataError, unsupportedCompression } from '../image/index.js';
import { hostPlatform } from '../oci/index.js';
import type { Platform } from '../oci/index.js';
import { directoryArchiveFiles, tarArchiveFiles } from './archive-files.js';
import type { ArchiveFiles } from './archive-files.js';
import type { LoadedArchive } from './archive-image.js';
import { readDockerArchive } from './docker-archive-read.js';
import { readOciLayout } from './oci-layout-read.js';
import { indexTarFile } from './tar-index.js';

export interface ReadArchiveOptions {
  /** The platform to pick from multi-platform indexes (this machine's by default). */
  readonly platform?: Platform;
  /** Where a compressed archive is unpacked to be read in place (the system temp dir by default). */
  readonly tempDir?: string;
  readonly signal?: AbortSignal;
}

function invalid(label: string, problem: string, hint?: string): BuildError<'INVALID_ARCHIVE'> {
  return new BuildError('INVALID_ARCHIVE', `${label}: ${problem}`, { details: { source: label, problem }, ...(hint !== undefined ? { hint } : {}) });
}

async function sniff(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(MAGIC_LENGTH);
    const { bytesRead } = await handle.read(head, 0, MAGIC_LENGTH, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readFormat(files: ArchiveFiles, platform: Platform): Promise<Omit<LoadedArchive, 'close'>> {
  // A docker 25+ save holds both forms; the OCI layout keeps the original manifests, so it wins.
  if ((await files.size('oci-layout')) !== undefined && (await files.size('index.json')) !== undefined) {
    return { format: 'oci-layout', images: await readOciLayout(files, { platform }) };
  }
  if ((await files.size('manifest.json')) !== undefined) return { format: 'docker-archive', images: await readDockerArchive(files) };
  throw invalid(files.label, 'neither an OCI image layout (oci-layout, index.json) nor a docker-archive (manifest.json)', 'make it with `stagecraft save`, `docker save` or `skopeo copy`');
}

/**
 * Opens an image archive and reads its images: an OCI image layout (a directory, or a tar of
 * one) or a docker-archive, either tar possibly gzip-compressed (unpacked to a temp file first,
 * removed by close()). Nothing is extracted: blobs are read in place, by offset, when opened.
 */
export async function readArchive(path: string, options: ReadArchiveOptions = {}): Promise<LoadedArchive> {
  const platform = options.platform ?? hostPlatform(process.platform, process.arch);
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw invalid(path, `cannot open the archive (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const noop = (): Promise<void> => Promise.resolve();
  if (info.isDirectory()) return { ...(await readFormat(directoryArchiveFiles(path), platform)), close: noop };
  if (!info.isFile()) throw invalid(path, 'is neither a file nor a directory');

  const compression = detectCompression(await sniff(path));
  if (compression === 'none') {
    return { ...(await readFormat(tarArchiveFiles(await indexTarFile(path), path), platform)), close: noop };
  }
  if (compression !== 'gzip') throw unsupportedCompression(compression, path);
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'stagecraft-archive-'));
  const close = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const plain = join(dir, 'archive.tar');
    try {
      await pipeline(decompress(createReadStream(path), 'gzip', path), createWriteStream(plain), options.signal ? { signal: options.signal } : {});
    } catch (err) {
      if (isCorruptDataError(err)) throw invalid(path, `corrupt or truncated gzip data (${err.message})`);
      throw err;
    }
    const read = await readFormat(tarArchiveFiles(await indexTarFile(plain, { label: path }), path), platform);
    return { ...read, close };
  } catch (err) {
    await close();
    throw err;
  }
}
