import { BuildError, isBuildError } from '../errors/index.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, imageFromParts, layerFromOpener, parseConfig } from '../image/index.js';
import type { Layer } from '../image/index.js';
import { parseReference } from '../oci/index.js';
import type { ArchiveFiles } from './archive-files.js';
import { missingFile, readArchiveFile } from './archive-files.js';
import type { ArchiveImage } from './archive-image.js';

/** One entry of a docker-archive's manifest.json. */
export interface DockerArchiveEntry {
  readonly Config: string;
  readonly RepoTags: readonly string[] | null;
  readonly Layers: readonly string[];
}

function invalid(label: string, problem: string): BuildError<'INVALID_ARCHIVE'> {
  return new BuildError('INVALID_ARCHIVE', `${label}: ${problem}`, { details: { source: label, problem } });
}

function parseEntries(raw: Buffer, label: string): DockerArchiveEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalid(label, 'manifest.json is not valid JSON');
  }
  if (!Array.isArray(value) || value.length === 0) throw invalid(label, 'manifest.json is not a non-empty list');
  return value.map((item: unknown, i) => {
    const entry = item as Partial<Record<string, unknown>>;
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (typeof item !== 'object' || item === null || typeof entry['Config'] !== 'string' || !strings(entry['Layers'])) {
      throw invalid(label, `manifest.json entry ${i} needs Config and Layers`);
    }
    const tags = entry['RepoTags'];
    if (tags !== undefined && tags !== null && !strings(tags)) throw invalid(label, `manifest.json entry ${i} has invalid RepoTags`);
    return { Config: entry['Config'], RepoTags: tags ?? null, Layers: entry['Layers'] };
  });
}

/**
 * Reads the images of a docker-archive (what `docker save` writes): manifest.json, each config,
 * and layer tars (plain or gzip, kept as they are). The archive has no manifests, so each image
 * gets an OCI manifest written over its layers; its config, and so its image ID, is the archive's.
 */
export async function readDockerArchive(files: ArchiveFiles): Promise<ArchiveImage[]> {
  const { label } = files;
  const entries = parseEntries(await readArchiveFile(files, 'manifest.json', MAX_MANIFEST_BYTES, 'a docker-archive needs'), label);
  const images: ArchiveImage[] = [];
  for (const entry of entries) {
    const rawConfig = await readArchiveFile(files, entry.Config, MAX_CONFIG_BYTES, 'manifest.json names the config');
    let diffIds;
    try {
      diffIds = parseConfig(rawConfig, { source: `${label}: ${entry.Config}` }).rootfs.diff_ids;
    } catch (err) {
      if (isBuildError(err)) throw invalid(label, err.message);
      throw err;
    }
    if (diffIds.length !== entry.Layers.length) {
      throw invalid(label, `${entry.Config} lists ${diffIds.length} diff_ids but manifest.json lists ${entry.Layers.length} layers`);
    }
    const layers: Layer[] = [];
    for (const [i, path] of entry.Layers.entries()) {
      const size = await files.size(path);
      if (size === undefined) throw missingFile(label, path, 'manifest.json names the layer');
      const diffId = diffIds[i];
      layers.push(
        layerFromOpener(() => files.open(path), {
          compression: 'keep',
          rawSize: size,
          source: `${label}: ${path}`,
          ...(diffId !== undefined ? { diffId } : {}),
        }),
      );
    }
    const tags = (entry.RepoTags ?? []).map((tag) => {
      try {
        return parseReference(tag).familiar;
      } catch (err) {
        if (isBuildError(err)) throw invalid(label, `manifest.json has an invalid tag ${JSON.stringify(tag)}`);
        throw err;
      }
    });
    images.push({ image: imageFromParts({ config: rawConfig, layers }), tags });
  }
  return images;
}
