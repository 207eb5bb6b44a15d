/**
 * The part of the OCI runtime configuration (config.json, runtime-spec 1.0) that stagecraft writes.
 * Field names and shapes follow the spec's JSON exactly; optional fields are left out when unset.
 */

export interface OciUser {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids?: readonly number[];
}

export interface OciCapabilities {
  readonly bounding: readonly string[];
  readonly effective: readonly string[];
  readonly permitted: readonly string[];
  readonly inheritable?: readonly string[];
  readonly ambient?: readonly string[];
}

export interface OciRlimit {
  readonly type: string;
  readonly hard: number;
  readonly soft: number;
}

export interface OciProcess {
  readonly terminal: boolean;
  readonly user: OciUser;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly capabilities: OciCapabilities;
  readonly rlimits: readonly OciRlimit[];
  readonly noNewPrivileges: boolean;
}

export interface OciRoot {
  readonly path: string;
  readonly readonly: boolean;
}

export interface OciMount {
  readonly destination: string;
  readonly type: string;
  readonly source: string;
  readonly options?: readonly string[];
}

export type OciNamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';

export interface OciNamespace {
  readonly type: OciNamespaceType;
  readonly path?: string;
}

/** A device node the runtime creates in the container's /dev. */
export interface OciDevice {
  readonly path: string;
  readonly type: 'c' | 'b' | 'u' | 'p';
  readonly major: number;
  readonly minor: number;
  readonly fileMode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** A device cgroup rule: which device nodes the container may open. */
export interface OciDeviceRule {
  readonly allow: boolean;
  readonly type?: 'a' | 'c' | 'b';
  readonly major?: number;
  readonly minor?: number;
  readonly access?: string;
}

export interface OciLinux {
  readonly namespaces: readonly OciNamespace[];
  readonly devices?: readonly OciDevice[];
  readonly resources: { readonly devices: readonly OciDeviceRule[] };
  readonly cgroupsPath?: string;
  readonly maskedPaths: readonly string[];
  readonly readonlyPaths: readonly string[];
}

export interface OciRuntimeSpec {
  readonly ociVersion: string;
  readonly process: OciProcess;
  readonly root: OciRoot;
  readonly hostname: string;
  readonly mounts: readonly OciMount[];
  readonly linux: OciLinux;
}
