/**
 * Running built images as containers (`stagecraft run`, `ps`, `logs`, `stop`, `rm`): records in
 * the state directory, a supervisor per running container (the CLI itself, or a detached node
 * process for `run -d`), runc for the process, overlayfs for the root file system, slirp4netns for
 * the private network and published ports. Layout of the files: layout.ts.
 */
export type { ContainerNetwork, ContainerRecord, ContainerStatus, PortMapping, PortProtocol, VolumeMount } from './container-record.js';
export { listContainerRecords, readContainerRecord } from './container-record.js';
export { shortContainerId, validateContainerName } from './container-names.js';
export { createContainer, DEFAULT_STOP_TIMEOUT } from './create-container.js';
export type { CreateContainerRequest, CreatedContainer } from './create-container.js';
export { findContainer } from './find-container.js';
export { superviseContainer, startFailureExitCode } from './supervise-container.js';
export type { SuperviseOptions, SuperviseResult } from './supervise-container.js';
export { launchSupervisor, runSupervisor } from './detached-supervisor.js';
export type { LaunchSupervisorOptions, SupervisorReport } from './detached-supervisor.js';
export { isActive, removeContainer, signalContainer, stopContainer, waitForContainer } from './stop-container.js';
export type { StopContainerOptions } from './stop-container.js';
export { recoverContainers, SUPERVISOR_DIED } from './recover-containers.js';
export { createJsonLogWriter, readLogEntries } from './json-log.js';
export type { JsonLogWriter, LogChunk, LogEntry } from './json-log.js';
export { parseRunArguments, runFlagHelp } from './run-arguments.js';
export type { RunArguments } from './run-arguments.js';
export { formatPorts, parsePublish, parsePublishList } from './ports.js';
export { containerEnv, parseEnvFile, parseEnvFlag, replaceOrAppendEnv } from './environment.js';
export type { EnvLookup } from './environment.js';
export { parseVolume } from './volumes.js';
export { formatCommand, normalizeSignal, resolveProcessArgs } from './process-command.js';
export { containerResolvConf } from './container-etc.js';
export { containersDir, containerDir, logFile } from './layout.js';
