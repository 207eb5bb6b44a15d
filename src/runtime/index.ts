export { buildRuntimeSpec, normalizeEnv } from './spec.js';
export type {
  BindMountInput,
  EtcFilesInput,
  ExtraMountInput,
  RunNetwork,
  RunSecurity,
  RuntimeSpecInput,
  RuntimeUserInput,
  TmpfsMountInput,
} from './spec.js';
export type * from './oci-spec.js';
export {
  ALL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  DEFAULT_HOSTNAME,
  DEFAULT_MASKED_PATHS,
  DEFAULT_PATH,
  DEFAULT_READONLY_PATHS,
} from './spec-defaults.js';
export { hostnameFileContent, hostsFileContent, writeEtcFiles } from './etc-files.js';
export type { WriteEtcFilesOptions } from './etc-files.js';
export { formatResolvConf, parseResolvConf, resolvConfForStep } from './resolv-conf.js';
export type { ResolvConf } from './resolv-conf.js';
export { parseGroup, parsePasswd, readUserFile, resolveUser, resolveUserFromFiles } from './user.js';
export type { ResolvedUser, ResolveUserOptions, UserFiles } from './user.js';
export { resolveInRoot } from './root-path.js';
export { ensureWorkdir } from './workdir.js';
export { readHostLimits } from './host-limits.js';
export type { HostLimits } from './host-limits.js';
export { newContainerId, probeRuntime, runContainer } from './runc.js';
export type { ContainerExit, OutputStream, RunContainerOptions, RuntimeName, RuntimeProbe } from './runc.js';
export { runStep } from './run-step.js';
export type { RunStepInput, RunStepOptions, RunStepResult } from './run-step.js';
