import { BuildError, isBuildError } from '../errors/index.js';
import { eventTime } from '../events/index.js';
import type { EventSink } from '../events/index.js';
import type { Image } from '../image/index.js';
import { formatPlatform, parseReference, platformMatches } from '../oci/index.js';
import type { Digest, ImageConfig, Platform } from '../oci/index.js';
import type { RegistrySettings } from '../registry/index.js';
import type { Store } from '../store/index.js';

/** A base image (or a `COPY --from` image) ready to build on. */
export interface ResolvedImage {
  readonly ref: string;
  readonly image: Image;
  readonly manifest: Digest;
  readonly config: ImageConfig;
}

export interface ResolveImageOptions {
  readonly store: Store;
  readonly platform: Platform;
  /** Go to the registry even when the store has the image. */
  readonly pull: boolean;
  readonly registry?: (() => Promise<RegistrySettings>) | undefined;
  readonly events: EventSink;
  readonly signal: AbortSignal;
}

async function fromStore(store: Store, ref: string, platform: Platform): Promise<ResolvedImage | undefined> {
  let image: Image;
  try {
    image = await store.getImage(ref);
  } catch (err) {
    if (isBuildError(err) && err.code === 'IMAGE_NOT_FOUND') return undefined;
    throw err;
  }
  const config = await image.config();
  const own: Platform = { os: config.os, architecture: config.architecture, ...(config.variant !== undefined ? { variant: config.variant } : {}) };
  if (!platformMatches(own, platform)) return undefined;
  return { ref, image, manifest: await image.digest(), config };
}

async function withBootstrapHint(err: unknown, ref: string): Promise<unknown> {
  if (!isBuildError(err) || !err.code.startsWith('REGISTRY_')) return err;
  const familiar = parseReference(ref).familiar;
  const { findRecipe } = await import('../bootstrap/index.js');
  if (findRecipe(familiar) === undefined) return err;
  return new BuildError(err.code, `${familiar}: ${err.message}`, {
    hint: `the image is not in the local store; \`stagecraft bootstrap ${familiar}\` makes it from Debian packages`,
    details: err.details,
    cause: err,
  });
}

/**
 * Finds an image to build on: in the local store first (unless `pull`), else from its registry
 * (pulled into the store under `ref`). Progress is BuildKit's `[internal] load metadata for REF`.
 */
export async function resolveImage(ref: string, options: ResolveImageOptions): Promise<ResolvedImage> {
  const { events, store } = options;
  const id = `metadata:${ref}:${formatPlatform(options.platform)}`;
  const started = eventTime();
  events({ type: 'step-started', id, time: started, label: `[internal] load metadata for ${ref}` });
  try {
    let resolved = options.pull ? undefined : await fromStore(store, ref, options.platform);
    if (resolved === undefined) {
      // the registry client is loaded only when an image has to be pulled
      const [{ pullImage }, settings] = await Promise.all([import('../registry/index.js'), options.registry?.()]);
      await pullImage(parseReference(ref), {
        store,
        tags: [ref],
        platform: options.platform,
        signal: options.signal,
        ...(settings !== undefined ? { credentials: settings.credentials, registriesConfig: settings.registriesConfig } : {}),
      });
      resolved = await fromStore(store, ref, options.platform);
      if (resolved === undefined) {
        throw new BuildError('NO_MATCHING_PLATFORM', `${ref} has no image for ${formatPlatform(options.platform)}`, {
          details: { reference: ref },
        });
      }
    }
    events({ type: 'step-done', id, time: eventTime(), durationMs: eventTime() - started });
    return resolved;
  } catch (err) {
    const wrapped = await withBootstrapHint(err, ref);
    events(
      options.signal.aborted
        ? { type: 'step-canceled', id, time: eventTime() }
        : { type: 'step-failed', id, time: eventTime(), error: wrapped instanceof Error ? wrapped.message : String(wrapped) },
    );
    throw wrapped;
  }
}
