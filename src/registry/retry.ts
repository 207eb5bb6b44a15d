import { setTimeout as delay } from 'node:timers/promises';

/** How often and how patiently a transient failure is retried. */
export interface RetryPolicy {
  /** Total tries, the first included (1 = no retry). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 5_000 };

/** 408, 429 and the 5xx statuses a registry answers while it is overloaded or restarting. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

const FATAL_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

/**
 * Whether a thrown network error is worth another try: a dropped or reset connection is; a
 * refused connection, an unknown host or a certificate problem will not fix itself in a second.
 */
export function isRetryableNetworkError(err: unknown): boolean {
  if (isAbortError(err)) return false;
  return !errorCodes(err).some((code) => FATAL_NETWORK_CODES.has(code));
}

/** Whether `err` is a connection that never opened (to try the next scheme or mirror). */
export function isConnectError(err: unknown): boolean {
  return errorCodes(err).some((code) => FATAL_NETWORK_CODES.has(code) || code === 'UND_ERR_CONNECT_TIMEOUT');
}

/**
 * The wait before try number `attempt + 1` (attempt counts from 1): exponential with jitter,
 * or the server's `Retry-After` (seconds) when it gives one, both capped.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfter?: string | null): number {
  if (retryAfter !== undefined && retryAfter !== null && /^\d+$/.test(retryAfter.trim())) {
    return Math.min(Number(retryAfter.trim()) * 1000, policy.maxDelayMs);
  }
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  const jitter = 0.5 + Math.random() * 0.5;
  return Math.min(Math.round(exponential * jitter), policy.maxDelayMs);
}

export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  await delay(ms, undefined, signal === undefined ? {} : { signal });
}
