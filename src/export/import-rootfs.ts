import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { BuildError } from '../errors/index.js';
import { DigestingStream, checkTarEntries, decompressDetected, imageFromParts, isCorruptDataError, layerFromTarFile, unsupportedCompression } from '../image/index.js';
import type { Image, ManifestFormat } from '../image/index.js';
import { hostPlatform } from '../oci/index.js';
import type { ImageConfig, LayerCompression, Platform } from '../oci/index.js';
import { applyChanges } from './import-changes.js';

export interface ImportRootfsOptions {
  /** The image's platform (this machine's by default), as `docker import --platform`. */
  readonly platform?: Platform;
  /** Dockerfile instructions applied to the config, as `docker import --change`. */
  readonly changes?: readonly string[];
  /** The history comment (`docker import -m`); docker's default is `Imported from -`. */
  readonly message?: string;
  /** How the layer blob is kept: `none` (the default: no recompression) or `gzip`. */
  readonly compression?: Exclude<LayerCompression, 'zstd'>;
  readonly format?: ManifestFormat;
  /** The creation time (now by default). */
  readonly created?: Date;
  readonly signal?: AbortSignal;
}

/**
 * Makes a one-layer image from a root filesystem tarball (plain or gzip), as `docker import`
 * does: the tar is the layer, as it is, and the config has the platform, the `--change`
 * instructions and one history entry. The tar is read once first, to compute its DiffID and to
 * refuse entries that would escape the root (INVALID_ARCHIVE, naming the file and the entry).
 */
export async function importRootfs(tarPath: string, options: ImportRootfsOptions = {}): Promise<Image> {
  const info = await stat(tarPath).catch((err: unknown) => {
    throw new BuildError('INVALID_ARCHIVE', `${tarPath}: cannot open the root filesystem tarball (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
      details: { source: tarPath },
    });
  });
  if (!info.isFile()) throw new BuildError('INVALID_ARCHIVE', `${tarPath}: not a file`, { details: { source: tarPath } });
  const { compression: found, stream } = await decompressDetected(createReadStream(tarPath), tarPath);
  if (found !== 'none' && found !== 'gzip') throw unsupportedCompression(found, tarPath);
  const hasher = new DigestingStream();
  stream.once('error', (err) => hasher.destroy(err));
  try {
    await checkTarEntries(stream.pipe(hasher), { source: tarPath, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    if (isCorruptDataError(err)) throw new BuildError('INVALID_ARCHIVE', `${tarPath}: corrupt gzip data (${err.message})`, { details: { source: tarPath } });
    throw err;
  }
  const diffId = hasher.digest();
  const layer = layerFromTarFile(tarPath, {
    compression: options.compression ?? 'none',
    rawCompression: found,
    diffId,
    rawSize: info.size,
    uncompressedSize: hasher.size,
    source: tarPath,
  });
  const platform = options.platform ?? hostPlatform(process.platform, process.arch);
  const created = (options.created ?? new Date()).toISOString();
  const comment = options.message ?? 'Imported from -';
  const config: ImageConfig & { comment: string } = {
    architecture: platform.architecture,
    ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
    os: platform.os,
    created,
    comment,
    config: applyChanges({}, options.changes ?? []),
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created, comment }],
  };
  return imageFromParts({ config, layers: [layer], ...(options.format !== undefined ? { format: options.format } : {}) });
}
