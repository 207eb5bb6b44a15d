import { RegistryClient } from './client.js';
import { lookupCredential } from './credentials.js';
import type { Credential, CredentialOptions } from './credentials.js';
import type { RetryPolicy } from './retry.js';

export interface ClientPoolOptions {
  /** Where credentials come from; false for anonymous access only. */
  readonly credentials?: CredentialOptions | false;
  /** Credentials given directly (tests, `login`), by registry host; they win over config.json. */
  readonly credentialOverrides?: Readonly<Record<string, Credential>>;
  readonly retry?: RetryPolicy;
  readonly userAgent?: string;
}

/**
 * One RegistryClient per registry host (and insecure flag), so every operation of a process
 * shares each registry's ping, challenge and token cache.
 */
export class RegistryClientPool {
  readonly #clients = new Map<string, RegistryClient>();
  readonly #options: ClientPoolOptions;

  constructor(options: ClientPoolOptions = {}) {
    this.#options = options;
  }

  get(registry: string, insecure = false): RegistryClient {
    const key = `${registry}\n${String(insecure)}`;
    let client = this.#clients.get(key);
    if (client === undefined) {
      const { credentials, credentialOverrides, retry, userAgent } = this.#options;
      const override = credentialOverrides?.[registry];
      client = new RegistryClient(registry, {
        insecure,
        credential: async () =>
          override ?? (credentials === undefined || credentials === false ? undefined : await lookupCredential(registry, credentials)),
        ...(retry === undefined ? {} : { retry }),
        ...(userAgent === undefined ? {} : { userAgent }),
      });
      this.#clients.set(key, client);
    }
    return client;
  }
}
