import type { SourceRange } from './source-range.js';

/**
 * Every error a user can cause, by code. Add a code here (in its section) when a module needs a new
 * kind of user-facing failure; anything that is not one of these is a bug ("internal error").
 */
export type ErrorCode =
  // Dockerfile syntax and instructions
  | 'DOCKERFILE_EMPTY'
  | 'DOCKERFILE_SYNTAX'
  | 'UNKNOWN_INSTRUCTION'
  | 'UNKNOWN_FLAG'
  | 'DUPLICATE_FLAG'
  | 'INVALID_FLAG_VALUE'
  | 'MISSING_ARGUMENT'
  | 'INVALID_INSTRUCTION'
  | 'INVALID_DIRECTIVE'
  | 'HEREDOC_UNTERMINATED'
  // shell-word expansion
  | 'EXPANSION_FAILED'
  // stages and plan
  | 'NO_FROM'
  | 'DUPLICATE_STAGE'
  | 'INVALID_STAGE_NAME'
  | 'UNKNOWN_STAGE'
  | 'STAGE_CYCLE'
  | 'UNKNOWN_TARGET'
  | 'INVALID_BUILD_ARG'
  // build context
  | 'CONTEXT_NOT_FOUND'
  | 'DOCKERFILE_NOT_FOUND'
  | 'INVALID_IGNORE_PATTERN'
  | 'CONTEXT_UNREADABLE'
  | 'INVALID_NAMED_CONTEXT'
  // registries
  | 'REGISTRY_UNAUTHORIZED'
  | 'REGISTRY_NOT_FOUND'
  | 'REGISTRY_UNREACHABLE'
  | 'REGISTRY_PROTOCOL'
  | 'REGISTRY_BLOCKED'
  | 'REGISTRY_CONFIG'
  | 'DIGEST_MISMATCH'
  | 'MANIFEST_TOO_LARGE'
  // image references and the local store
  | 'INVALID_REFERENCE'
  | 'IMAGE_NOT_FOUND'
  | 'IMAGE_IN_USE'
  | 'BLOB_NOT_FOUND'
  | 'STORE_WRITE_FAILED'
  | 'STORE_LOCKED'
  | 'STORE_CORRUPT'
  // images, archives and exports
  | 'INVALID_IMAGE'
  | 'INVALID_ARCHIVE'
  | 'UNSUPPORTED_COMPRESSION'
  | 'NO_MATCHING_PLATFORM'
  | 'EXPORT_FAILED'
  // base images made with debootstrap
  | 'BOOTSTRAP_FAILED'
  | 'BOOTSTRAP_UNAVAILABLE'
  // snapshots: unpacked layers and overlay mounts
  | 'SNAPSHOT_FAILED'
  | 'UNSAFE_LAYER_PATH'
  // RUN steps in a container runtime
  | 'RUN_FAILED'
  | 'RUN_SETUP_FAILED'
  | 'RUNTIME_UNAVAILABLE'
  | 'USER_NOT_FOUND'
  | 'INVALID_USER'
  // COPY and ADD: sources, downloads, archives, applying files into a rootfs
  | 'COPY_SOURCE_NOT_FOUND'
  | 'INVALID_COPY_OPTION'
  | 'COPY_FAILED'
  | 'CHECKSUM_MISMATCH'
  | 'DOWNLOAD_FAILED'
  | 'GIT_FAILED'
  // the build engine
  | 'BUILD_CANCELED'
  | 'UNSUPPORTED_INSTRUCTION'
  | 'ENTITLEMENT_NOT_ALLOWED'
  | 'UNSUPPORTED_PLATFORM'
  // build secrets and ssh agents (--secret, --ssh, RUN --mount=type=secret|ssh)
  | 'SECRET_NOT_FOUND'
  | 'INVALID_SECRET'
  | 'SSH_AGENT_NOT_FOUND'
  | 'INVALID_SSH_AGENT'
  // containers: stagecraft run, ps, logs, stop, rm
  | 'CONTAINER_NOT_FOUND'
  | 'CONTAINER_NAME_IN_USE'
  | 'CONTAINER_RUNNING'
  | 'CONTAINER_START_FAILED'
  | 'NETWORK_SETUP_FAILED'
  // command line
  | 'USAGE';

export interface BuildErrorOptions {
  readonly locations?: readonly SourceRange[];
  /** The file the locations point into (a Dockerfile path, usually). */
  readonly file?: string;
  readonly hint?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * A user-facing error. Layers that catch one only *append* locations (see withLocation); the
 * parser's exact ranges are never overwritten.
 */
export class BuildError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly locations: readonly SourceRange[];
  readonly file: string | undefined;
  readonly hint: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: C, message: string, options: BuildErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BuildError';
    this.code = code;
    this.locations = options.locations ?? [];
    this.file = options.file;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }

  /** A copy of this error with `range` appended to its locations (and `file` set if it had none). */
  withLocation(range: SourceRange, file?: string): BuildError<C> {
    return new BuildError(this.code, this.message, {
      locations: [...this.locations, range],
      ...(this.file !== undefined ? { file: this.file } : file !== undefined ? { file } : {}),
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
      details: this.details,
      cause: this.cause,
    });
  }
}

export function isBuildError(value: unknown): value is BuildError {
  return value instanceof BuildError;
}

/** Asserts a condition that only a bug can break. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant failed: ${message}`);
}
