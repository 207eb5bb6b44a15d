import type { Platform } from '../oci/index.js';

/**
 * The platform the final image's config names. Without `--platform` it is the target stage's own
 * (its base image's). With one, it is the platform asked for, as BuildKit writes it: os and
 * architecture always; the variant when one was asked for or the os/architecture changed (so a
 * `FROM --platform=$BUILDPLATFORM` stage built for linux/arm64 is labelled linux/arm64).
 */
export function imagePlatform(stage: Platform, requested: Platform | undefined): Platform {
  if (requested === undefined) return stage;
  const sameOsArch = requested.os === stage.os && requested.architecture === stage.architecture;
  const variant = requested.variant !== undefined && requested.variant !== '' ? requested.variant : sameOsArch ? stage.variant : undefined;
  return { os: requested.os, architecture: requested.architecture, ...(variant !== undefined && variant !== '' ? { variant } : {}) };
}
