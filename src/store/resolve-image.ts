import { BuildError, isBuildError, suggestClosest } from '../errors/index.js';
import { digestHex, isDigest, parseReference, shortId } from '../oci/index.js';
import type { Digest, ImageReference } from '../oci/index.js';
import type { ImageRecord } from './image-records.js';
import type { StoreParts } from './parts.js';
import type { RefEntry } from './refs.js';

/** How a user's text found an image. */
export type Resolved =
  | { readonly via: 'reference'; readonly digest: Digest; readonly name: string; readonly reference: ImageReference }
  | { readonly via: 'id'; readonly digest: Digest; readonly id: Digest };

const ID_PREFIX = /^(?:sha256:)?([a-f0-9]{1,64})$/;

/** The familiar form of a stored reference name (`node:18`, `team/app@sha256:...`). */
export function familiarName(name: string): string {
  try {
    return parseReference(name, { defaultTag: false }).familiar;
  } catch {
    return name;
  }
}

function newestFirst(a: ImageRecord, b: ImageRecord): number {
  return a.added < b.added ? 1 : a.added > b.added ? -1 : 0;
}

async function byId(parts: StoreParts, text: string, records: readonly ImageRecord[]): Promise<Resolved | undefined> {
  if (isDigest(text)) {
    if ((await parts.images.get(text)) !== undefined) return { via: 'id', digest: text, id: text };
    const sameConfig = records.filter((r) => r.config === text).sort(newestFirst);
    const first = sameConfig[0];
    return first ? { via: 'id', digest: first.digest, id: first.config } : undefined;
  }
  const match = ID_PREFIX.exec(text);
  const prefix = match?.[1];
  if (prefix === undefined) return undefined;
  const matching = records.filter((r) => digestHex(r.config).startsWith(prefix)).sort(newestFirst);
  const configs = new Set(matching.map((r) => r.config));
  if (configs.size > 1) {
    throw new BuildError('IMAGE_NOT_FOUND', `short image ID ${text} is ambiguous: it matches ${configs.size} images`, {
      hint: `use more characters of the ID: ${[...configs].map((c) => shortId(c)).join(', ')}`,
      details: { reference: text },
    });
  }
  const first = matching[0];
  return first ? { via: 'id', digest: first.digest, id: first.config } : undefined;
}

async function byReference(parts: StoreParts, ref: ImageReference, refs: readonly RefEntry[]): Promise<Resolved | undefined> {
  if (ref.digest !== undefined) {
    // name@digest: the image must be here and known under that repository.
    const digest = ref.digest;
    const known = refs.some((e) => e.digest === digest && parseName(e.name)?.name === ref.name);
    if (!known || !(await parts.blobs.has(digest))) return undefined;
    return { via: 'reference', digest, name: `${ref.name}@${digest}`, reference: ref };
  }
  const name = `${ref.name}:${ref.tag ?? 'latest'}`;
  const digest = refs.find((e) => e.name === name)?.digest;
  if (digest === undefined) return undefined;
  return { via: 'reference', digest, name, reference: ref };
}

function parseName(name: string): ImageReference | undefined {
  try {
    return parseReference(name, { defaultTag: false });
  } catch {
    return undefined;
  }
}

function notFound(text: string, ref: ImageReference | undefined, refs: readonly RefEntry[]): BuildError<'IMAGE_NOT_FOUND'> {
  const familiar = refs.map((e) => familiarName(e.name)).filter((n) => !n.includes('@'));
  let hint: string | undefined;
  const closest = suggestClosest(ref?.familiar ?? text, familiar);
  if (closest !== undefined) hint = `did you mean ${closest}?`;
  if (hint === undefined && ref !== undefined) {
    const tags = refs
      .map((e) => parseName(e.name))
      .filter((r): r is ImageReference => r?.name === ref.name && r.tag !== undefined)
      .map((r) => r.tag);
    if (tags.length > 0) hint = `${ref.familiarName} has the tags: ${tags.join(', ')}`;
  }
  hint ??= 'list local images with `stagecraft images`, or pull the image first';
  return new BuildError('IMAGE_NOT_FOUND', `image ${ref?.familiar ?? text} not found in the local store`, {
    hint,
    details: { reference: text },
  });
}

/**
 * Finds an image the way docker does: a full digest (image ID or manifest digest), then a
 * reference (`name:tag`, `name@digest`), then a unique prefix of an image ID. IMAGE_NOT_FOUND
 * with a "did you mean" hint otherwise; INVALID_REFERENCE if the text is none of these forms.
 */
export async function resolveImage(parts: StoreParts, text: string): Promise<Resolved> {
  const trimmed = text.trim();
  const [records, refs] = await Promise.all([parts.images.list(), parts.refs.list()]);
  if (isDigest(trimmed)) {
    const found = await byId(parts, trimmed, records);
    if (found) return found;
    throw notFound(trimmed, undefined, refs);
  }
  let ref: ImageReference | undefined;
  let parseError: unknown;
  try {
    ref = parseReference(trimmed);
  } catch (err) {
    parseError = err;
  }
  if (ref !== undefined) {
    const found = await byReference(parts, ref, refs);
    if (found) return found;
  }
  const found = await byId(parts, trimmed, records);
  if (found) return found;
  if (ref === undefined && isBuildError(parseError)) throw parseError;
  throw notFound(trimmed, ref, refs);
}
