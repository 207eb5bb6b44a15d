/**
 * The OCI runtime configuration of one RUN step: a pure function of the step (no I/O), so the
 * exact JSON BuildKit's runc executor would produce can be checked without root.
 */
import type { OciCapabilities, OciMount, OciNamespace, OciRuntimeSpec } from './oci-spec.js';
import {
  ALL_CAPABILITIES,
  CGROUP_MOUNT,
  DEFAULT_CAPABILITIES,
  DEFAULT_HOSTNAME,
  DEFAULT_MASKED_PATHS,
  DEFAULT_NOFILE,
  DEFAULT_PATH,
  DEFAULT_READONLY_PATHS,
  ETC_BIND_OPTIONS,
  INSECURE_DEVICES,
  STANDARD_MOUNTS,
} from './spec-defaults.js';

export type RunNetwork = 'host' | 'none';
export type RunSecurity = 'sandbox' | 'insecure';

/** A host path bound into the container (`options` as mount(8) takes them: rbind, ro, ...). */
export interface BindMountInput {
  readonly type: 'bind';
  readonly source: string;
  readonly destination: string;
  readonly options?: readonly string[];
}

/** An empty tmpfs (`RUN --mount=type=tmpfs`); `size` in bytes. */
export interface TmpfsMountInput {
  readonly type: 'tmpfs';
  readonly destination: string;
  readonly size?: number;
  readonly readonly?: boolean;
}

export type ExtraMountInput = BindMountInput | TmpfsMountInput;

export interface RuntimeUserInput {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids?: readonly number[];
}

/** The generated files bound read-only over the rootfs's own (host paths). */
export interface EtcFilesInput {
  readonly hosts: string;
  readonly resolvConf: string;
  /** BuildKit does not bind /etc/hostname; pass one only to opt in. */
  readonly hostname?: string;
}

export interface RuntimeSpecInput {
  /** The final argv (shell form already wrapped with the stage's SHELL). */
  readonly args: readonly string[];
  /** KEY=VALUE entries; later ones replace earlier ones with the same key, entries without `=` are dropped. */
  readonly env: readonly string[];
  readonly cwd: string;
  readonly user: RuntimeUserInput;
  readonly rootfs: string;
  readonly rootfsReadonly?: boolean;
  /** Default: `buildkitsandbox`. */
  readonly hostname?: string;
  readonly network: RunNetwork;
  readonly security?: RunSecurity;
  readonly etcFiles: EtcFilesInput;
  readonly mounts?: readonly ExtraMountInput[];
  /** A cgroup namespace too (BuildKit adds one when the host has a unified cgroup v2 root). */
  readonly cgroupNamespace?: boolean;
  readonly cgroupsPath?: string;
  /** Open-files limit (soft = hard); default 1048576. A process without CAP_SYS_RESOURCE cannot go above its own. */
  readonly nofile?: number;
  /** The capabilities this host can grant; an insecure step gets all of these. Default: every capability. */
  readonly hostCapabilities?: readonly string[];
}

/** Deduplicates KEY=VALUE entries (last value wins, first position kept) and adds PATH when absent. */
export function normalizeEnv(env: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const entry of env) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    byKey.set(entry.slice(0, eq), entry);
  }
  const out = [...byKey.values()];
  if (!byKey.has('PATH')) out.push(`PATH=${DEFAULT_PATH}`);
  return out;
}

/** Puts the primary group first in the supplementary list when it is not there yet (containerd's rule). */
function additionalGidsOf(user: RuntimeUserInput): number[] {
  const extra = user.additionalGids ?? [];
  return extra.includes(user.gid) ? [...extra] : [user.gid, ...extra];
}

function capabilitiesFor(security: RunSecurity, host: readonly string[]): OciCapabilities {
  if (security === 'sandbox') {
    return { bounding: DEFAULT_CAPABILITIES, effective: DEFAULT_CAPABILITIES, permitted: DEFAULT_CAPABILITIES };
  }
  const all = [...host];
  return { bounding: all, effective: all, permitted: all, inheritable: all, ambient: all };
}

function extraMount(mount: ExtraMountInput): OciMount {
  if (mount.type === 'tmpfs') {
    const options = ['nosuid'];
    if (mount.readonly === true) options.push('ro');
    if (mount.size !== undefined && mount.size > 0) options.push(`size=${String(mount.size)}`);
    return { destination: mount.destination, type: 'tmpfs', source: 'tmpfs', options };
  }
  const options = [...(mount.options ?? [])];
  if (!options.includes('bind') && !options.includes('rbind')) options.unshift('rbind');
  return { destination: mount.destination, type: 'bind', source: mount.source, options };
}

/** Later mounts on the same destination replace earlier ones in place (BuildKit's dedupMounts). */
function dedupMounts(mounts: readonly OciMount[]): OciMount[] {
  const out: OciMount[] = [];
  const index = new Map<string, number>();
  for (const mount of mounts) {
    const at = index.get(mount.destination);
    if (at === undefined) {
      index.set(mount.destination, out.length);
      out.push(mount);
    } else {
      out[at] = mount;
    }
  }
  return out;
}

/** In insecure mode sysfs and the cgroup file system are writable. */
function writable(mount: OciMount): OciMount {
  if (mount.type !== 'sysfs' && mount.type !== 'cgroup') return mount;
  return { ...mount, options: (mount.options ?? []).map((o) => (o === 'ro' ? 'rw' : o)) };
}

function mountsFor(input: RuntimeSpecInput, security: RunSecurity): OciMount[] {
  const etc: OciMount[] = [
    { destination: '/etc/resolv.conf', type: 'bind', source: input.etcFiles.resolvConf, options: ETC_BIND_OPTIONS },
    { destination: '/etc/hosts', type: 'bind', source: input.etcFiles.hosts, options: ETC_BIND_OPTIONS },
  ];
  if (input.etcFiles.hostname !== undefined) {
    etc.push({ destination: '/etc/hostname', type: 'bind', source: input.etcFiles.hostname, options: ETC_BIND_OPTIONS });
  }
  const base = [...STANDARD_MOUNTS, ...etc, CGROUP_MOUNT];
  const all = [...(security === 'insecure' ? base.map(writable) : base), ...(input.mounts ?? []).map(extraMount)];
  return dedupMounts(all);
}

function namespacesFor(input: RuntimeSpecInput): OciNamespace[] {
  const namespaces: OciNamespace[] = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if (input.network === 'none') namespaces.push({ type: 'network' });
  if (input.cgroupNamespace === true) namespaces.push({ type: 'cgroup' });
  return namespaces;
}

/** Builds the runtime configuration (config.json) for one RUN step. */
export function buildRuntimeSpec(input: RuntimeSpecInput): OciRuntimeSpec {
  const security = input.security ?? 'sandbox';
  const insecure = security === 'insecure';
  const nofile = input.nofile ?? DEFAULT_NOFILE;
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: input.user.uid, gid: input.user.gid, additionalGids: additionalGidsOf(input.user) },
      args: [...input.args],
      env: normalizeEnv(input.env),
      cwd: input.cwd,
      capabilities: capabilitiesFor(security, input.hostCapabilities ?? ALL_CAPABILITIES),
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: nofile, soft: nofile }],
      noNewPrivileges: false,
    },
    root: { path: input.rootfs, readonly: input.rootfsReadonly ?? false },
    hostname: input.hostname ?? DEFAULT_HOSTNAME,
    mounts: mountsFor(input, security),
    linux: {
      namespaces: namespacesFor(input),
      ...(insecure ? { devices: INSECURE_DEVICES } : {}),
      resources: {
        devices: insecure
          ? [
              { allow: true, type: 'c', access: 'rwm' },
              { allow: true, type: 'b', access: 'rwm' },
            ]
          : [{ allow: false, access: 'rwm' }],
      },
      ...(input.cgroupsPath !== undefined ? { cgroupsPath: input.cgroupsPath } : {}),
      maskedPaths: insecure ? [] : DEFAULT_MASKED_PATHS,
      readonlyPaths: insecure ? [] : DEFAULT_READONLY_PATHS,
    },
  };
}
