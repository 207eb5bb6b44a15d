import { BuildError, isBuildError } from '../errors/index.js';
import { RegistryClient } from './client.js';
import { removeCredential, saveCredential } from './credentials.js';
import type { CredentialOptions } from './credentials.js';
import { normalizeRegistryName } from './endpoint.js';
import type { RetryPolicy } from './retry.js';

export interface LoginOptions extends CredentialOptions {
  /** Allow plain HTTP after HTTPS fails (registries.conf `insecure`). */
  readonly insecure?: boolean;
  readonly retry?: RetryPolicy;
  readonly signal?: AbortSignal;
}

export interface LoginResult {
  /** The registry name the credentials are stored under (`docker.io`, `host:port`). */
  readonly registry: string;
  /** Whether they went to a credential helper or into config.json. */
  readonly storedIn: 'helper' | 'config';
}

/**
 * Checks a username and password against a registry the way `docker login` does: ping `/v2/`,
 * then answer its challenge (a bearer token with no scope, or basic auth on `/v2/`).
 */
export async function verifyLogin(
  server: string,
  credential: { readonly username: string; readonly password: string },
  options: Omit<LoginOptions, keyof CredentialOptions> = {},
): Promise<void> {
  const registry = normalizeRegistryName(server);
  const client = new RegistryClient(registry, {
    insecure: options.insecure ?? false,
    credential: () => Promise.resolve(credential),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  await client.credential(); // registers the secrets with the redactor before any request
  try {
    const response = await client.send({
      method: 'GET',
      url: '/v2/',
      scopes: [],
      expect: [200],
      ctx: { registry, what: 'login' },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    await response.body?.cancel();
  } catch (err) {
    if (isBuildError(err) && err.code === 'REGISTRY_UNAUTHORIZED') {
      throw new BuildError('REGISTRY_UNAUTHORIZED', client.redactor.apply(`login to ${registry} failed: the registry refused the username or password (${err.message})`), {
        hint: 'check the username and password (or token); nothing was stored',
        details: err.details,
      });
    }
    throw err;
  }
}

/** `stagecraft login`: verifies the credentials, then stores them (helper or config.json `auths`). */
export async function login(
  server: string,
  credential: { readonly username: string; readonly password: string },
  options: LoginOptions,
): Promise<LoginResult> {
  if (credential.username === '' || credential.password === '') {
    throw new BuildError('USAGE', 'login needs a username and a password');
  }
  await verifyLogin(server, credential, options);
  const registry = normalizeRegistryName(server);
  const storedIn = await saveCredential(registry, credential, options);
  return { registry, storedIn };
}

/** `stagecraft logout`: forgets the credentials of `server`; false when there were none. */
export async function logout(server: string, options: CredentialOptions): Promise<boolean> {
  return removeCredential(normalizeRegistryName(server), options);
}
