/**
 * Build secrets and ssh agents (`--secret`, `--ssh`, `RUN --mount=type=secret|ssh`): the secret
 * store, the private tmpfs a step's secrets live on, and the ssh-agent sockets steps talk to
 * (forwarding the host's agent read-only, or serving key files).
 */
export { MAX_SECRET_SIZE, openSecretStore } from './secret-store.js';
export type { OpenSecretStoreOptions, SecretSpec, SecretStore } from './secret-store.js';
export { DEFAULT_SSH_ID, openSshAgents } from './ssh-agents.js';
export type { AgentListener, OpenSshAgentsOptions, SocketOwner, SshAgents, SshSpec } from './ssh-agents.js';
export { mountPrivateTmpfs } from './private-tmpfs.js';
export type { PrivateTmpfs } from './private-tmpfs.js';
export { parsePrivateKey } from './ssh-private-key.js';
export type { AgentKey } from './ssh-private-key.js';
