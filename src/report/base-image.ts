import { isBuildError } from '../errors/index.js';
import type { Image } from '../image/index.js';
import type { Digest } from '../oci/index.js';
import type { Store } from '../store/index.js';
import type { BaseInfo } from './advice-types.js';

/** How many leading entries two lists share. */
function commonPrefix(a: readonly Digest[], b: readonly Digest[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

async function tryResolve(store: Store, ref: string): Promise<Digest | undefined> {
  try {
    return await store.resolveRef(ref);
  } catch (err) {
    if (isBuildError(err) && (err.code === 'IMAGE_NOT_FOUND' || err.code === 'INVALID_REFERENCE')) return undefined;
    throw err;
  }
}

async function tryGetImage(store: Store, ref: string): Promise<Image | undefined> {
  try {
    return await store.getImage(ref);
  } catch (err) {
    if (isBuildError(err) && (err.code === 'IMAGE_NOT_FOUND' || err.code === 'INVALID_REFERENCE')) return undefined;
    throw err;
  }
}

/**
 * The image's base: the image named (the Dockerfile's final FROM) when it is in the store, else
 * the store image whose layers are the longest proper prefix of this image's layers (ties go to
 * the shortest name). `layers` is how many leading layers the two share.
 */
export async function findBaseImage(store: Store, image: Image, options: { named?: string } = {}): Promise<BaseInfo | undefined> {
  const ours = (await image.config()).rootfs.diff_ids;
  if (options.named !== undefined) {
    const named = await tryGetImage(store, options.named);
    if (named !== undefined) return { name: options.named, layers: commonPrefix(ours, (await named.config()).rootfs.diff_ids) };
  }
  let best: BaseInfo | undefined;
  const seen = new Map<Digest, number>();
  for (const row of await store.listImages()) {
    if (row.reference === undefined || row.tag === '<none>') continue;
    let shared = seen.get(row.manifestDigest);
    if (shared === undefined) {
      const candidate = await tryGetImage(store, row.reference);
      const theirs = candidate === undefined ? [] : (await candidate.config()).rootfs.diff_ids;
      shared = theirs.length > 0 && theirs.length < ours.length && commonPrefix(ours, theirs) === theirs.length ? theirs.length : 0;
      seen.set(row.manifestDigest, shared);
    }
    if (shared === 0) continue;
    const name = `${row.repository}:${row.tag}`;
    if (best === undefined || shared > best.layers || (shared === best.layers && (name.length < best.name.length || (name.length === best.name.length && name < best.name)))) {
      best = { name, layers: shared };
    }
  }
  return best;
}

/** Names a smaller variant of `name` could have: `node:18` → `node:18-slim`; `-bookworm` tags too. */
export function slimCandidates(name: string): string[] {
  const colon = name.lastIndexOf(':');
  const slash = name.lastIndexOf('/');
  const repo = colon > slash ? name.slice(0, colon) : name;
  const tag = colon > slash ? name.slice(colon + 1) : 'latest';
  if (/(^|-)(slim|alpine|distroless)(-|$)/.test(tag)) return [];
  if (tag === 'latest') return [`${repo}:slim`];
  const candidates = [`${repo}:${tag}-slim`];
  const release = /^(.*)-(bookworm|bullseye|buster|trixie)$/.exec(tag);
  if (release !== null) candidates.push(`${repo}:${release[1] ?? ''}-slim-${release[2] ?? ''}`, `${repo}:${release[1] ?? ''}-slim`);
  return candidates;
}

/** The first slim variant of `name` in the store that is another image, with its image. */
export async function findSlimVariant(store: Store, name: string): Promise<{ name: string; image: Image } | undefined> {
  const own = await tryResolve(store, name);
  for (const candidate of slimCandidates(name)) {
    const digest = await tryResolve(store, candidate);
    if (digest === undefined || digest === own) continue;
    const image = await tryGetImage(store, candidate);
    if (image !== undefined) return { name: candidate, image };
  }
  return undefined;
}
