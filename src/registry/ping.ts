import { parseAuthChallenges, pickChallenge } from './challenge.js';
import type { AuthChallenge } from './challenge.js';
import { registryApiHost, registrySchemes } from './endpoint.js';
import type { Redactor } from './redact.js';
import { errorFromNetwork, errorFromResponse } from './registry-error.js';
import type { RegistryContext } from './registry-error.js';
import { isAbortError, isRetryableNetworkError, isRetryableStatus, retryDelay, sleep } from './retry.js';
import type { RetryPolicy } from './retry.js';

/** What a ping of `/v2/` tells: the base URL that answered, and the challenge it made (if any). */
export interface PingResult {
  readonly base: string;
  readonly challenge: AuthChallenge | undefined;
}

export interface PingOptions {
  readonly insecure: boolean;
  readonly retry: RetryPolicy;
  readonly userAgent: string;
  readonly redactor: Redactor;
  /** What the caller was doing, for the error message. */
  readonly ctx: RegistryContext;
  readonly signal?: AbortSignal;
}

/**
 * GETs `/v2/` on each scheme the registry may speak, in order (see registrySchemes): 200 means no
 * auth, 401 carries the challenge to answer. 5xx and dropped connections are retried; a scheme that
 * cannot connect gives way to the next one.
 */
export async function pingRegistry(registry: string, options: PingOptions): Promise<PingResult> {
  const { retry, signal, ctx } = options;
  const host = registryApiHost(registry);
  const schemes = registrySchemes(registry, options.insecure);
  let lastError: unknown;
  for (const scheme of schemes) {
    const base = `${scheme}://${host}`;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${base}/v2/`, { headers: { 'User-Agent': options.userAgent }, ...(signal === undefined ? {} : { signal }) });
      } catch (err) {
        if (isAbortError(err)) throw err;
        lastError = err;
        if (attempt < retry.attempts && isRetryableNetworkError(err) && schemes.length === 1) {
          await sleep(retryDelay(retry, attempt), signal);
          continue;
        }
        break; // try the next scheme, if any
      }
      if (isRetryableStatus(response.status) && attempt < retry.attempts) {
        await response.body?.cancel();
        await sleep(retryDelay(retry, attempt, response.headers.get('retry-after')), signal);
        continue;
      }
      if (response.status >= 500) throw await errorFromResponse(response, ctx, { redactor: options.redactor, attempts: attempt });
      await response.body?.cancel();
      const challenge = response.status === 401 ? pickChallenge(parseAuthChallenges(response.headers.get('www-authenticate'))) : undefined;
      return { base, challenge };
    }
  }
  throw errorFromNetwork(lastError, ctx, { redactor: options.redactor });
}
