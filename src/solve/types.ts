import type { EventSink } from '../events/index.js';
import type { Image } from '../image/index.js';
import type { Digest, Platform } from '../oci/index.js';
import type { RegistrySettings } from '../registry/index.js';
import type { RuntimeName } from '../runtime/index.js';
import type { SecretStore, SshAgents } from '../secrets/index.js';
import type { Store } from '../store/index.js';
import type { Entitlement } from './entitlements.js';

/** What to build: the Dockerfile, the context, and the `docker build` options that change the result. */
export interface BuildRequest {
  /** The Dockerfile's text. */
  readonly dockerfile: string;
  /** Where the Dockerfile came from (`<stdin>` for `-f -`): errors point into it. */
  readonly dockerfilePath: string;
  readonly contextDir: string;
  /** The stage to build (the last one by default). */
  readonly target?: string;
  readonly buildArgs?: ReadonlyMap<string, string>;
  /** `--label`: put on the final image's config. */
  readonly labels?: ReadonlyMap<string, string>;
  /** `--no-cache`: run every step (results are still recorded for later builds). */
  readonly noCache?: boolean;
  /** `--pull`: fetch base images from their registry even when the store has them. */
  readonly pull?: boolean;
  /** The network of RUN steps that do not ask for one (`--network`, host by default). */
  readonly network?: 'host' | 'none';
  /** `--allow`: what RUN steps may ask for beyond the sandbox (network.host is granted with the host network). */
  readonly allow?: readonly Entitlement[];
  /** The platform to build for (default: this machine's). */
  readonly platform?: Platform;
  /** SOURCE_DATE_EPOCH (seconds): every time in the image comes from it, for reproducible digests. */
  readonly sourceDateEpoch?: number;
  /** `-t`: names the image gets in the store. */
  readonly tags?: readonly string[];
  /**
   * `--build-context NAME=VALUE` by name (normalised: `alpine`, not `alpine:latest`): a directory,
   * `docker-image://REF` or `oci-layout://DIR[:TAG][@DIGEST]` (solve/named-contexts.ts).
   */
  readonly namedContexts?: ReadonlyMap<string, string>;
  /** The context was extracted from an archive (`build - < ctx.tar`): BuildKit applies no .dockerignore to it. */
  readonly contextFromArchive?: boolean;
  /** `--secret`: what `RUN --mount=type=secret` reads (see openSecretStore); values never enter keys, layers or events. */
  readonly secrets?: SecretStore;
  /** `--ssh`: the agents `RUN --mount=type=ssh` reaches (see openSshAgents). */
  readonly ssh?: SshAgents;
}

export interface BuildOptions {
  readonly store: Store;
  readonly events?: EventSink;
  readonly signal?: AbortSignal;
  /** Steps that do work (RUN, COPY, unpacking) at once; default: the number of cores, at least 4. */
  readonly jobs?: number;
  /**
   * Registry credentials and mirrors, for base images not in the store: asked for only when an
   * image has to be pulled (reading them costs time a cached build need not spend).
   */
  readonly registry?: () => Promise<RegistrySettings>;
  readonly runtime?: RuntimeName;
  /** This machine's platform (BUILDPLATFORM); default: detected. */
  readonly hostPlatform?: Platform;
}

/** One built stage: its result image's size and what it added. */
export interface StageSummary {
  readonly index: number;
  /** Its progress name (`builder`, `stage-1`, '' for a one-stage build). */
  readonly id: string;
  readonly name: string | undefined;
  /** Bytes of all its layers (uncompressed tars), the base image's included. */
  readonly size: number;
  /** Bytes of the layers its own steps made. */
  readonly addedSize: number;
  readonly layers: number;
}

/** What one `COPY --from` carried from another stage or image into a stage. */
export interface CopyTransfer {
  /** The stage copied into, and the step's line. */
  readonly stage: number;
  readonly line: number;
  /** The stage or image copied from. */
  readonly from: string;
  readonly paths: readonly string[];
  /** Bytes of the layer the copy made. */
  readonly bytes: number;
}

export interface BuildResult {
  /** The final image (stored, under `tags` if any). */
  readonly image: Image;
  /** The manifest digest. */
  readonly digest: Digest;
  /** The image id: the config digest. */
  readonly configDigest: Digest;
  /** Bytes of the final image's layers. */
  readonly size: number;
  readonly target: { readonly index: number; readonly id: string };
  readonly stages: readonly StageSummary[];
  readonly copies: readonly CopyTransfer[];
  /** Steps answered from the cache, and steps that ran. */
  readonly cacheHits: number;
  readonly stepsRun: number;
  /** The final image's unpacked layers, top first (for `--output type=local|tar`). */
  readonly lowerDirs: () => Promise<readonly string[]>;
}
