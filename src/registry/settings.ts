import type { CredentialOptions } from './credentials.js';
import { resolveDockerConfigDir } from './docker-config.js';
import { loadRegistriesConfig } from './registries-conf.js';
import type { RegistriesConfig } from './registries-conf.js';

/** What every remote operation of one process needs from its environment, resolved once. */
export interface RegistrySettings {
  readonly credentials: CredentialOptions;
  readonly registriesConfig: RegistriesConfig;
}

/**
 * Resolves the settings from an environment (passed in: only the CLI reads process.env):
 * `DOCKER_CONFIG` for credentials; `registriesConf` (a flag), else `CONTAINERS_REGISTRIES_CONF`,
 * else the system and user registries.conf files.
 */
export async function loadRegistrySettings(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly registriesConf?: string } = {},
): Promise<RegistrySettings> {
  const path = options.registriesConf ?? (env['CONTAINERS_REGISTRIES_CONF'] === '' ? undefined : env['CONTAINERS_REGISTRIES_CONF']);
  return {
    credentials: { configDir: resolveDockerConfigDir(env) },
    registriesConfig: await loadRegistriesConfig(path === undefined ? {} : { path }),
  };
}
