import { BuildError, describeErrorChain } from '../errors/index.js';
import type { AuthChallenge } from './challenge.js';
import type { Credential } from './credentials.js';
import type { Redactor } from './redact.js';
import { errorFromResponse } from './registry-error.js';
import { DEFAULT_RETRY, isRetryableNetworkError, isRetryableStatus, retryDelay, sleep } from './retry.js';
import type { RetryPolicy } from './retry.js';

/** A bearer token and when to stop using it (epoch ms). */
export interface BearerToken {
  readonly token: string;
  readonly expiresAt: number;
}

export interface TokenRequest {
  /** The registry as named in references, for messages. */
  readonly registry: string;
  readonly challenge: AuthChallenge;
  readonly scopes: readonly string[];
  readonly credential: Credential | undefined;
  /** Whether the registry itself is spoken to over plain HTTP (then an http realm is allowed). */
  readonly plainHttp: boolean;
  readonly redactor: Redactor;
  readonly userAgent: string;
  readonly retry?: RetryPolicy;
  readonly signal?: AbortSignal;
}

/** `repository:NAME:pull` / `repository:NAME:pull,push`: a scope of the token spec. */
export function repositoryScope(repository: string, actions: readonly ('pull' | 'push')[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/** The realm URL, if it may receive credentials: https, or http only for a plain-HTTP registry. */
function checkRealm(request: TokenRequest): URL {
  const realm = request.challenge.params['realm'];
  const fail = (why: string): BuildError =>
    new BuildError('REGISTRY_PROTOCOL', `${request.registry} asked for a bearer token ${why}`, {
      details: { registry: request.registry },
    });
  if (realm === undefined || realm === '') throw fail('without naming a realm (token service)');
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw fail(`from a realm that is not a URL (${JSON.stringify(request.redactor.apply(realm))})`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && request.plainHttp)) {
    throw fail(`from ${url.protocol}//${url.host}, which is not https; refusing to send credentials there`);
  }
  return url;
}

function basicHeader(credential: Credential | undefined): string | undefined {
  if (credential?.username === undefined || credential.password === undefined) return undefined;
  return 'Basic ' + Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
}

function buildFetch(request: TokenRequest, realm: URL, useOauth: boolean): { url: string; init: RequestInit } {
  const service = request.challenge.params['service'];
  const headers: Record<string, string> = { 'User-Agent': request.userAgent };
  if (useOauth && request.credential?.identityToken !== undefined) {
    const form = new URLSearchParams();
    form.set('grant_type', 'refresh_token');
    form.set('refresh_token', request.credential.identityToken);
    form.set('client_id', 'stagecraft');
    if (service !== undefined) form.set('service', service);
    if (request.scopes.length > 0) form.set('scope', request.scopes.join(' '));
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return { url: realm.toString(), init: { method: 'POST', headers, body: form.toString() } };
  }
  const url = new URL(realm);
  if (service !== undefined) url.searchParams.set('service', service);
  for (const scope of request.scopes) url.searchParams.append('scope', scope);
  const basic = basicHeader(request.credential);
  if (basic !== undefined) headers['Authorization'] = basic;
  return { url: url.toString(), init: { method: 'GET', headers } };
}

async function parseTokenBody(response: Response, request: TokenRequest): Promise<BearerToken> {
  const text = await response.text();
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown; refresh_token?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new BuildError('REGISTRY_PROTOCOL', `the token service of ${request.registry} answered with something that is not JSON`);
  }
  const token = typeof body.token === 'string' && body.token !== '' ? body.token : body.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new BuildError('REGISTRY_PROTOCOL', `the token service of ${request.registry} answered without a token`);
  }
  request.redactor.add(token);
  if (typeof body.refresh_token === 'string') request.redactor.add(body.refresh_token);
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
  const issued = typeof body.issued_at === 'string' ? Date.parse(body.issued_at) : Number.NaN;
  const start = Number.isNaN(issued) ? Date.now() : Math.min(issued, Date.now());
  // renew a little early, so a token does not expire between the check and the request
  return { token, expiresAt: start + Math.max(expiresIn - 10, expiresIn / 2) * 1000 };
}

/**
 * Exchanges credentials (or nothing, for anonymous access) for a bearer token at the challenge's
 * realm, per the distribution token spec: GET with basic auth, or the OAuth2 refresh-token POST
 * when an identity token is stored (falling back to GET where the service has no OAuth2 endpoint).
 */
export async function fetchBearerToken(request: TokenRequest): Promise<BearerToken> {
  const realm = checkRealm(request);
  const policy = request.retry ?? DEFAULT_RETRY;
  let useOauth = request.credential?.identityToken !== undefined;
  const ctx = { registry: request.registry, what: `token for ${request.scopes.join(' ') || 'the registry'}` };
  for (let attempt = 1; ; attempt++) {
    const { url, init } = buildFetch(request, realm, useOauth);
    let response: Response;
    try {
      response = await fetch(url, { ...init, ...(request.signal === undefined ? {} : { signal: request.signal }) });
    } catch (err) {
      if (attempt < policy.attempts && isRetryableNetworkError(err)) {
        await sleep(retryDelay(policy, attempt), request.signal);
        continue;
      }
      throw new BuildError(
        'REGISTRY_UNREACHABLE',
        request.redactor.apply(`cannot reach the token service ${realm.host} of ${request.registry}: ${describeErrorChain(err)}`),
        { details: { registry: request.registry } },
      );
    }
    if (response.ok) return parseTokenBody(response, request);
    if (useOauth && (response.status === 404 || response.status === 405)) {
      await response.body?.cancel();
      useOauth = false;
      continue;
    }
    if (attempt < policy.attempts && isRetryableStatus(response.status)) {
      await response.body?.cancel();
      await sleep(retryDelay(policy, attempt, response.headers.get('retry-after')), request.signal);
      continue;
    }
    throw await errorFromResponse(response, ctx, {
      redactor: request.redactor,
      authenticated: request.credential !== undefined,
      attempts: attempt,
    });
  }
}
