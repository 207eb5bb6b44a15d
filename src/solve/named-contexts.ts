import { stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { BuildError, isBuildError } from '../errors/index.js';
import { blobPath, directoryArchiveFiles, IMAGE_NAME_ANNOTATION, REF_NAME_ANNOTATION } from '../export/index.js';
import { MAX_MANIFEST_BYTES, readAll, resolveImage } from '../image/index.js';
import { isDigest, isValidTag, parseReference } from '../oci/index.js';
import type { Digest, Platform } from '../oci/index.js';
import type { NamedContextSource } from '../plan/index.js';
import type { ResolvedImage } from './base-images.js';

/** One `--build-context NAME=VALUE`, told apart as buildx tells its values apart. */
export type NamedContextValue =
  | { readonly kind: 'local'; readonly dir: string }
  | { readonly kind: 'image'; readonly ref: string }
  | { readonly kind: 'scratch' }
  | { readonly kind: 'oci-layout'; readonly dir: string; readonly tag: string | undefined; readonly digest: Digest | undefined };

/** The named contexts of a build, ready for the planner and the steps. */
export interface ResolvedNamedContexts {
  /** What the planner needs to know of each, by name. */
  readonly sources: ReadonlyMap<string, NamedContextSource>;
  /** The directories of directory contexts, by name. */
  readonly dirs: ReadonlyMap<string, string>;
  /** Images of `oci-layout://` contexts, by the reference the plan gives them. */
  readonly images: ReadonlyMap<string, ResolvedImage>;
}

function invalid(name: string, message: string, hint?: string): BuildError<'INVALID_NAMED_CONTEXT'> {
  return new BuildError('INVALID_NAMED_CONTEXT', `--build-context ${name}: ${message}`, {
    details: { name },
    ...(hint !== undefined ? { hint } : {}),
  });
}

const REMOTE = /^(?:https?:\/\/|git:\/\/|ssh:\/\/|git@|github\.com\/|target:|input:)/;

/**
 * Classifies a `--build-context` value as buildx does: `docker-image://REF` (`scratch` is the empty
 * file system), `oci-layout://DIR[:TAG][@DIGEST]`, or a local directory (relative to `cwd`).
 * Remote contexts (URLs, git repositories, bake targets) are not supported.
 */
export function parseNamedContextValue(name: string, value: string, cwd: string): NamedContextValue {
  if (value.startsWith('docker-image://')) {
    const ref = value.slice('docker-image://'.length);
    if (ref === 'scratch') return { kind: 'scratch' };
    try {
      return { kind: 'image', ref: parseReference(ref).toString() };
    } catch (err) {
      throw invalid(name, isBuildError(err) ? err.message : String(err), 'write docker-image://NAME[:TAG][@DIGEST]');
    }
  }
  if (value.startsWith('oci-layout://')) {
    let path = value.slice('oci-layout://'.length);
    let digest: Digest | undefined;
    let tag: string | undefined;
    const at = path.lastIndexOf('@');
    if (at !== -1 && isDigest(path.slice(at + 1))) {
      digest = path.slice(at + 1) as Digest;
      path = path.slice(0, at);
    }
    const colon = path.lastIndexOf(':');
    if (colon !== -1 && isValidTag(path.slice(colon + 1)) && !path.slice(colon + 1).includes('/')) {
      tag = path.slice(colon + 1);
      path = path.slice(0, colon);
    }
    if (path === '') throw invalid(name, `no directory in ${JSON.stringify(value)}`, 'write oci-layout://DIR[:TAG][@DIGEST]');
    return { kind: 'oci-layout', dir: resolvePath(cwd, path), tag: tag ?? (digest === undefined ? 'latest' : undefined), digest };
  }
  if (REMOTE.test(value)) {
    throw invalid(name, `remote contexts (${value}) are not supported`, 'clone or download it, then give the directory: --build-context NAME=DIR');
  }
  return { kind: 'local', dir: resolvePath(cwd, value) };
}

/** buildx's lookup in an OCI layout's index.json: by containerd image name, then by ref name, then the only entry. */
async function loadLayoutImage(name: string, value: Extract<NamedContextValue, { kind: 'oci-layout' }>, platform: Platform): Promise<ResolvedImage> {
  const files = directoryArchiveFiles(value.dir);
  let index: { manifests?: { digest?: string; mediaType?: string; annotations?: Record<string, string> }[] };
  try {
    index = JSON.parse((await readAll(await files.open('index.json'), MAX_MANIFEST_BYTES)).toString('utf8')) as typeof index;
  } catch {
    throw invalid(name, `${value.dir} is not an OCI layout (no readable index.json)`, 'give the directory an OCI image layout was written to (oci-layout, index.json, blobs/)');
  }
  const manifests = index.manifests ?? [];
  const tag = value.tag;
  const entry =
    value.digest !== undefined
      ? (manifests.find((m) => m.digest === value.digest) ?? { digest: value.digest })
      : (manifests.find((m) => m.annotations?.[IMAGE_NAME_ANNOTATION] === tag) ??
        manifests.find((m) => m.annotations?.[REF_NAME_ANNOTATION] === tag) ??
        (manifests.length === 1 ? manifests[0] : undefined));
  if (entry?.digest === undefined || !isDigest(entry.digest)) {
    throw invalid(name, `oci-layout reference ${JSON.stringify(`${value.dir}:${tag ?? ''}`)} could not be resolved`, 'name the image with :TAG (its org.opencontainers.image.ref.name) or @DIGEST');
  }
  const digest = entry.digest;
  const raw = await readAll(await files.open(blobPath(digest)), MAX_MANIFEST_BYTES);
  const image = await resolveImage(raw, { openBlob: (d) => files.open(blobPath(d)) }, {
    platform,
    ...(entry.mediaType !== undefined ? { mediaType: entry.mediaType } : {}),
    source: `--build-context ${name}`,
  });
  return { ref: `oci-layout://${value.dir}@${digest}`, image, manifest: await image.digest(), config: await image.config() };
}

/**
 * Checks every `--build-context` and makes it ready: directories must exist, `oci-layout://`
 * images are read from their layout (for `platform`); `docker-image://` images are resolved later,
 * with the base images, only when a needed stage uses them.
 */
export async function resolveNamedContexts(
  contexts: ReadonlyMap<string, string>,
  options: { readonly cwd: string; readonly platform: Platform },
): Promise<ResolvedNamedContexts> {
  const sources = new Map<string, NamedContextSource>();
  const dirs = new Map<string, string>();
  const images = new Map<string, ResolvedImage>();
  for (const [name, text] of contexts) {
    const value = parseNamedContextValue(name, text, options.cwd);
    switch (value.kind) {
      case 'local': {
        const info = await stat(value.dir).catch(() => undefined);
        if (info === undefined) throw new BuildError('CONTEXT_NOT_FOUND', `failed to get build context ${name}: ${value.dir} does not exist`, { details: { name } });
        if (!info.isDirectory()) throw invalid(name, `failed to get build context path ${value.dir}: not a directory`);
        dirs.set(name, value.dir);
        sources.set(name, { kind: 'local' });
        break;
      }
      case 'image':
        sources.set(name, { kind: 'image', ref: value.ref });
        break;
      case 'scratch':
        sources.set(name, { kind: 'scratch' });
        break;
      case 'oci-layout': {
        const image = await loadLayoutImage(name, value, options.platform);
        images.set(image.ref, image);
        sources.set(name, { kind: 'image', ref: image.ref });
        break;
      }
    }
  }
  return { sources, dirs, images };
}
