import type { EscapeChar } from '../dockerfile/shell/index.js';
import type { Platform } from '../oci/index.js';

/** What the planner may know of a base image's config (once the engine has fetched it). */
export interface BaseImageConfig {
  /** `K=V` entries of the image's Env. */
  readonly env?: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
  readonly shell?: readonly string[];
  /** The image's ONBUILD triggers (instruction text), run first in a stage based on it. */
  readonly onBuild?: readonly string[];
}

/**
 * What a `--build-context NAME=...` gives the planner (the engine has already checked it): a
 * directory, an image (a `docker-image://` reference, or the key the engine uses for an
 * `oci-layout://` image), or the empty file system (`docker-image://scratch`).
 */
export type NamedContextSource =
  | { readonly kind: 'local' }
  | { readonly kind: 'image'; readonly ref: string }
  | { readonly kind: 'scratch' };

export interface PlanOptions {
  /** The platform stagecraft runs on (BUILDPLATFORM); the caller passes it in, the planner is pure. */
  readonly hostPlatform: Platform;
  /** The stage to build (case-insensitive); the last stage by default. */
  readonly target?: string;
  /** `--build-arg` values. */
  readonly buildArgs?: ReadonlyMap<string, string>;
  /** The platform to build for (TARGETPLATFORM); the host platform by default. */
  readonly platform?: Platform;
  /** The Dockerfile's escape character (`# escape=`); `\` by default. */
  readonly escapeChar?: EscapeChar;
  /**
   * The config of a base image, by its fully qualified reference, when the caller already has it:
   * its ENV, WORKDIR, USER, SHELL and ONBUILD triggers then take part in expansion exactly as in BuildKit. Without
   * it, a base image is taken to have no config (PATH gets its default value).
   */
  readonly baseImage?: (ref: string) => BaseImageConfig | undefined;
  /** The Dockerfile's path, put on errors for the CLI's code frame. */
  readonly file?: string;
  /**
   * `--build-context` values by name (normalised as buildx does: `alpine`, not `alpine:latest`).
   * A name replaces the stage of that name, or the image of that name in FROM, COPY --from and
   * RUN --mount=from, as BuildKit's named contexts do.
   */
  readonly namedContexts?: ReadonlyMap<string, NamedContextSource>;
}

export interface ResolvedPlanOptions {
  readonly hostPlatform: Platform;
  readonly targetPlatform: Platform;
  readonly target: string | undefined;
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly escapeChar: EscapeChar;
  readonly baseImage: (ref: string) => BaseImageConfig | undefined;
  readonly file: string | undefined;
  readonly namedContexts: ReadonlyMap<string, NamedContextSource>;
}

export function resolvePlanOptions(options: PlanOptions): ResolvedPlanOptions {
  return {
    hostPlatform: options.hostPlatform,
    targetPlatform: options.platform ?? options.hostPlatform,
    target: options.target === '' ? undefined : options.target,
    buildArgs: options.buildArgs ?? new Map<string, string>(),
    escapeChar: options.escapeChar ?? '\\',
    baseImage: options.baseImage ?? (() => undefined),
    file: options.file,
    namedContexts: options.namedContexts ?? new Map<string, NamedContextSource>(),
  };
}
