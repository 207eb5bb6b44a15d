import { BuildError } from '../errors/index.js';
import { eraseHelperCredential, getHelperCredential, storeHelperCredential } from './credential-helper.js';
import type { HelperOptions } from './credential-helper.js';
import { readDockerConfig, writeDockerConfig } from './docker-config.js';
import type { DockerAuthEntry, DockerConfigFile } from './docker-config.js';
import { DOCKER_HUB, DOCKER_HUB_AUTH_KEY, normalizeRegistryName } from './endpoint.js';

/** Credentials for one registry: a username and password, or a token issued in their place. */
export interface Credential {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (docker's `identitytoken`; a helper's `<token>` user). */
  readonly identityToken?: string;
  /** A bearer token to send as is. */
  readonly registryToken?: string;
}

export interface CredentialOptions {
  /** The directory holding config.json (see resolveDockerConfigDir). */
  readonly configDir: string;
  /** The environment credential helpers run with. */
  readonly helperEnv?: HelperOptions['env'];
}

/** The server name docker hands to helpers and uses as the `auths` key. */
export function credentialServerKey(registry: string): string {
  const name = normalizeRegistryName(registry);
  return name === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : name;
}

function helperFor(config: DockerConfigFile, registry: string): string | undefined {
  const name = normalizeRegistryName(registry);
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (normalizeRegistryName(key) === name && helper !== '') return helper;
  }
  return config.credsStore !== undefined && config.credsStore !== '' ? config.credsStore : undefined;
}

function authKeyFor(config: DockerConfigFile, registry: string): string | undefined {
  const name = normalizeRegistryName(registry);
  return Object.keys(config.auths ?? {}).find((key) => normalizeRegistryName(key) === name);
}

function decodeAuthEntry(entry: DockerAuthEntry, where: string): Credential | undefined {
  const out: { username?: string; password?: string; identityToken?: string; registryToken?: string } = {};
  if (entry.auth !== undefined && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new BuildError('REGISTRY_CONFIG', `the "auth" entry for ${where} in config.json is not base64 of user:password`);
    }
    out.username = decoded.slice(0, colon);
    out.password = decoded.slice(colon + 1);
  } else if (entry.username !== undefined && entry.password !== undefined) {
    out.username = entry.username;
    out.password = entry.password;
  }
  if (entry.identitytoken !== undefined && entry.identitytoken !== '') out.identityToken = entry.identitytoken;
  if (entry.registrytoken !== undefined && entry.registrytoken !== '') out.registryToken = entry.registrytoken;
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * The credentials for `registry`, looked up as docker does: a `credHelpers` entry for it, else the
 * `credsStore` helper, else the `auths` entry. (When a helper has nothing, `auths` is still read.)
 */
export async function lookupCredential(registry: string, options: CredentialOptions): Promise<Credential | undefined> {
  const config = await readDockerConfig(options.configDir);
  const helper = helperFor(config, registry);
  if (helper !== undefined) {
    const found = await getHelperCredential(helper, credentialServerKey(registry), helperOptions(options));
    if (found !== undefined) {
      return found.username === '<token>' ? { identityToken: found.secret } : { username: found.username, password: found.secret };
    }
  }
  const key = authKeyFor(config, registry);
  const entry = key === undefined ? undefined : config.auths?.[key];
  return entry === undefined ? undefined : decodeAuthEntry(entry, key ?? registry);
}

function withoutKey<V>(record: Readonly<Record<string, V>>, key: string | undefined): Record<string, V> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

function helperOptions(options: CredentialOptions): HelperOptions {
  return options.helperEnv === undefined ? {} : { env: options.helperEnv };
}

/**
 * Saves a username and password for `registry`: through its helper when config.json names one
 * (as docker does), else base64-encoded in `auths`. Returns where they went.
 */
export async function saveCredential(
  registry: string,
  credential: { readonly username: string; readonly password: string },
  options: CredentialOptions,
): Promise<'helper' | 'config'> {
  const config = await readDockerConfig(options.configDir);
  const server = credentialServerKey(registry);
  const helper = helperFor(config, registry);
  if (helper !== undefined) {
    await storeHelperCredential(helper, server, { username: credential.username, secret: credential.password }, helperOptions(options));
    return 'helper';
  }
  const existing = authKeyFor(config, registry);
  const auths: Record<string, DockerAuthEntry> = withoutKey(config.auths ?? {}, existing);
  auths[server] = { auth: Buffer.from(`${credential.username}:${credential.password}`).toString('base64') };
  await writeDockerConfig(options.configDir, { ...config, auths });
  return 'config';
}

/** Removes the credentials for `registry` from its helper and from `auths`; false if there were none. */
export async function removeCredential(registry: string, options: CredentialOptions): Promise<boolean> {
  const config = await readDockerConfig(options.configDir);
  let removed = false;
  const helper = helperFor(config, registry);
  if (helper !== undefined) {
    removed = await eraseHelperCredential(helper, credentialServerKey(registry), helperOptions(options));
  }
  const key = authKeyFor(config, registry);
  if (key !== undefined) {
    await writeDockerConfig(options.configDir, { ...config, auths: withoutKey(config.auths ?? {}, key) });
    removed = true;
  }
  return removed;
}
