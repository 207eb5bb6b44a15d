import { Readable } from 'node:stream';
import { BuildError } from '../errors/index.js';
import { parseAuthChallenges, pickChallenge } from './challenge.js';
import type { AuthChallenge } from './challenge.js';
import type { Credential } from './credentials.js';
import { Redactor } from './redact.js';
import { errorFromNetwork, errorFromResponse } from './registry-error.js';
import type { RegistryContext } from './registry-error.js';
import { DEFAULT_RETRY, isAbortError, isRetryableNetworkError, isRetryableStatus, retryDelay, sleep } from './retry.js';
import type { RetryPolicy } from './retry.js';
import { streamRequest } from './stream-request.js';
import { fetchBearerToken } from './token.js';
import { pingRegistry } from './ping.js';
import type { PingResult } from './ping.js';
import type { BearerToken } from './token.js';

export const USER_AGENT = 'stagecraft/0.1';

export interface RegistryClientOptions {
  /** Allow plain HTTP after HTTPS fails (registries.conf `insecure = true`). */
  readonly insecure?: boolean;
  /** The credentials to use, looked up on first need; anonymous when undefined. */
  readonly credential?: () => Promise<Credential | undefined>;
  readonly retry?: RetryPolicy;
  readonly userAgent?: string;
}

/** What fetch accepts as a request body, node streams and async iterables included. */
export type RequestBody = NonNullable<RequestInit['body']> | Readable | AsyncIterable<Uint8Array>;

/** A body for one try of a request: called again on every retry (so a stream is reopened). */
export type BodyFactory = () => Promise<RequestBody> | RequestBody;

export interface RegistryRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** A path under the registry (`/v2/...`) or an absolute URL it gave us (an upload location). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: BodyFactory;
  /** The token scopes the request needs (`repository:NAME:pull`). */
  readonly scopes: readonly string[];
  /** Statuses returned to the caller; any other becomes a BuildError. */
  readonly expect: readonly number[];
  readonly ctx: RegistryContext;
  /** Whether a failed try may be repeated (default true; false for a body that cannot be replayed). */
  readonly retry?: boolean;
  readonly signal?: AbortSignal;
}

/** Whether a body is a stream (sent with node's http client: see stream-request.ts). */
function isStream(body: RequestBody | undefined): body is Readable | AsyncIterable<Uint8Array> {
  return body instanceof Readable || (typeof body === 'object' && Symbol.asyncIterator in body && !(body instanceof ReadableStream));
}

/**
 * One registry endpoint, spoken to over the distribution API. It pings `/v2/` once to learn the
 * scheme and the auth challenge; answers bearer challenges with tokens cached per scope set (and
 * basic ones with the credentials); re-authenticates once on a 401 that asks for more scope; and
 * retries, with backoff, 5xx/429 answers and dropped connections. Every secret it sees is
 * registered with its redactor, which scrubs each error message it makes.
 */
export class RegistryClient {
  readonly registry: string;
  readonly redactor = new Redactor();
  readonly #options: RegistryClientOptions;
  readonly #retry: RetryPolicy;
  readonly #tokens = new Map<string, Promise<BearerToken>>();
  #ping: Promise<PingResult> | undefined;
  #challenge: AuthChallenge | undefined;
  #credential: Promise<Credential | undefined> | undefined;

  constructor(registry: string, options: RegistryClientOptions = {}) {
    this.registry = registry;
    this.#options = options;
    this.#retry = options.retry ?? DEFAULT_RETRY;
  }

  get #userAgent(): string {
    return this.#options.userAgent ?? USER_AGENT;
  }

  credential(): Promise<Credential | undefined> {
    this.#credential ??= (this.#options.credential?.() ?? Promise.resolve(undefined)).then((c) => {
      if (c !== undefined) {
        if (c.username !== undefined && c.password !== undefined) this.redactor.addBasic(c.username, c.password);
        this.redactor.add(c.password);
        this.redactor.add(c.identityToken);
        this.redactor.add(c.registryToken);
      }
      return c;
    });
    return this.#credential;
  }

  /** Pings `/v2/` (once; concurrent callers share it): the base URL and the auth challenge. */
  ping(signal?: AbortSignal, ctx?: RegistryContext): Promise<PingResult> {
    if (this.#ping === undefined) {
      this.#ping = this.#doPing(signal, ctx ?? { registry: this.registry, what: 'ping' });
      this.#ping.catch(() => {
        this.#ping = undefined; // let the next call try again
      });
    }
    return this.#ping;
  }

  async #doPing(signal: AbortSignal | undefined, ctx: RegistryContext): Promise<PingResult> {
    const result = await pingRegistry(this.registry, {
      insecure: this.#options.insecure ?? false,
      retry: this.#retry,
      userAgent: this.#userAgent,
      redactor: this.redactor,
      ctx,
      ...(signal === undefined ? {} : { signal }),
    });
    this.#challenge = result.challenge;
    return result;
  }

  async #authorization(scopes: readonly string[], signal: AbortSignal | undefined): Promise<string | undefined> {
    const challenge = this.#challenge;
    if (challenge === undefined) return undefined;
    const credential = await this.credential();
    if (challenge.scheme === 'basic') {
      if (credential?.username === undefined || credential.password === undefined) return undefined;
      return 'Basic ' + Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
    }
    if (credential?.registryToken !== undefined) return `Bearer ${credential.registryToken}`;
    const key = [...scopes].sort().join(' ');
    const cached = this.#tokens.get(key);
    if (cached !== undefined) {
      const token = await cached.catch(() => undefined);
      if (token !== undefined && token.expiresAt > Date.now()) return `Bearer ${token.token}`;
      if (this.#tokens.get(key) === cached) this.#tokens.delete(key);
    }
    const base = (await this.ping(signal)).base;
    const pending = fetchBearerToken({
      registry: this.registry,
      challenge,
      scopes,
      credential,
      plainHttp: base.startsWith('http:'),
      redactor: this.redactor,
      userAgent: this.#userAgent,
      retry: this.#retry,
      ...(signal === undefined ? {} : { signal }),
    });
    this.#tokens.set(key, pending);
    pending.catch(() => {
      if (this.#tokens.get(key) === pending) this.#tokens.delete(key);
    });
    return `Bearer ${(await pending).token}`;
  }

  /** Forgets the tokens of a scope set (after the registry refused one). */
  #dropToken(scopes: readonly string[]): void {
    this.#tokens.delete([...scopes].sort().join(' '));
  }

  /**
   * Sends one request, authenticated and retried; returns the response when its status is one of
   * `expect` (the caller reads the body), else throws the BuildError for it.
   */
  async send(request: RegistryRequest): Promise<Response> {
    const { base } = await this.ping(request.signal, request.ctx);
    const url = request.url.startsWith('/') ? base + request.url : request.url;
    const sameOrigin = new URL(url).origin === new URL(base).origin;
    let scopes = request.scopes;
    let reauthenticated = false;
    const canRetry = request.retry ?? true;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { 'User-Agent': this.#userAgent, ...request.headers };
      const authorization = sameOrigin ? await this.#authorization(scopes, request.signal) : undefined;
      if (authorization !== undefined) headers['Authorization'] = authorization;
      let response: Response;
      try {
        const body = request.body === undefined ? undefined : await request.body();
        response = isStream(body)
          ? await streamRequest(url, { method: request.method, headers, body, ...(request.signal === undefined ? {} : { signal: request.signal }) })
          : await fetch(url, {
              method: request.method,
              headers,
              ...(body === undefined ? {} : { body }),
              ...(request.signal === undefined ? {} : { signal: request.signal }),
            });
      } catch (err) {
        if (isAbortError(err) || err instanceof BuildError) throw err;
        if (canRetry && attempt < this.#retry.attempts && isRetryableNetworkError(err)) {
          await sleep(retryDelay(this.#retry, attempt), request.signal);
          continue;
        }
        throw errorFromNetwork(err, request.ctx, { redactor: this.redactor, attempts: attempt });
      }
      if (request.expect.includes(response.status)) return response;
      // a body already streamed cannot be sent again: such a request fails on a 401 instead
      const replayable = request.body === undefined || canRetry;
      if (response.status === 401 && !reauthenticated && sameOrigin && replayable) {
        const challenge = pickChallenge(parseAuthChallenges(response.headers.get('www-authenticate')));
        if (challenge !== undefined) {
          await response.body?.cancel();
          reauthenticated = true;
          this.#dropToken(scopes);
          this.#challenge = challenge;
          const wanted = challenge.params['scope'];
          if (wanted !== undefined && wanted !== '' && !scopes.includes(wanted)) scopes = [wanted, ...scopes];
          attempt--; // answering a challenge is not a failed try
          continue;
        }
      }
      if (canRetry && attempt < this.#retry.attempts && isRetryableStatus(response.status)) {
        await response.body?.cancel();
        await sleep(retryDelay(this.#retry, attempt, response.headers.get('retry-after')), request.signal);
        continue;
      }
      throw await errorFromResponse(response, request.ctx, {
        redactor: this.redactor,
        authenticated: (await this.credential()) !== undefined,
        attempts: attempt,
      });
    }
  }
}
