export type MountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
export type CacheSharing = 'shared' | 'private' | 'locked';

/**
 * A `RUN --mount` as written (BuildKit's instructions.Mount): values exactly as given, options not
 * given are undefined. Defaults that depend on other fields (cache id from target, secret target
 * from id, ...) are applied by `resolveMountDefaults`, giving a `ResolvedMount`.
 */
export interface Mount {
  /** `type=`; `bind` when not given. */
  readonly type: MountType;
  /** `from=`: a stage name or image to mount from; undefined = the build context. */
  readonly from: string | undefined;
  /** `source=` / `src=`. */
  readonly source: string | undefined;
  /** `target=` / `dst=` / `destination=`. */
  readonly target: string | undefined;
  /** `ro`/`readonly`/`rw`/`readwrite`; by default true for bind, secret and ssh, false for cache and tmpfs. */
  readonly readOnly: boolean;
  /** `size=` of a tmpfs, in bytes (docker's RAMInBytes units: 64m, 1g, ...); undefined = no limit. */
  readonly sizeLimit: number | undefined;
  /** `id=`: the cache id, the secret id, or the ssh agent id. */
  readonly id: string | undefined;
  /** `sharing=` (cache mounts only). */
  readonly sharing: CacheSharing | undefined;
  /** `required` (secret and ssh mounts only). */
  readonly required: boolean;
  /** `env=` (secret mounts): expose the secret as this environment variable; '' = the default name. */
  readonly env: string | undefined;
  /** `mode=` (octal), `uid=`, `gid=`: only for cache, secret and ssh mounts. */
  readonly mode: number | undefined;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
}

/** A bind mount with defaults applied: undefined `from` means the build context. */
export interface ResolvedBindMount {
  readonly type: 'bind';
  readonly from: string | undefined;
  /** The path inside the source, `/`-rooted and cleaned (`/` = the whole source). */
  readonly source: string;
  /** The target as written ('' = the working directory); made absolute against WORKDIR at plan time. */
  readonly target: string;
  readonly readOnly: boolean;
}

export interface ResolvedCacheMount {
  readonly type: 'cache';
  /** The stage or image seeding the cache; undefined = an empty directory. */
  readonly from: string | undefined;
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** `id=`, else the target, path-cleaned. */
  readonly id: string;
  readonly sharing: CacheSharing;
  /** Directory owner and mode when the cache is created: 0, 0, 0o755 unless given. */
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
  /** True when uid, gid or mode was written. */
  readonly ownerSet: boolean;
}

export interface ResolvedTmpfsMount {
  readonly type: 'tmpfs';
  readonly target: string;
  readonly readOnly: boolean;
  readonly sizeLimit: number | undefined;
}

export interface ResolvedSecretMount {
  readonly type: 'secret';
  /** `source=`, else `id=`, else the target's base name. */
  readonly id: string;
  /** The file path of the secret; undefined when it is only exposed as `env` without a target. */
  readonly target: string | undefined;
  /** The environment variable name, when `env=` was given. */
  readonly env: string | undefined;
  readonly required: boolean;
  /** 0, 0, 0o400 unless given. */
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

export interface ResolvedSshMount {
  readonly type: 'ssh';
  /** `id=`, else `default`. */
  readonly id: string;
  /** The socket path; `/run/buildkit/ssh_agent.<n>` (n = index among the RUN's ssh mounts) by default. */
  readonly target: string;
  readonly required: boolean;
  /** 0, 0, 0o600 unless given. */
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

export type ResolvedMount =
  | ResolvedBindMount
  | ResolvedCacheMount
  | ResolvedTmpfsMount
  | ResolvedSecretMount
  | ResolvedSshMount;
