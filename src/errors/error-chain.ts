/**
 * A short description of an error and its causes, with their codes: what node's fetch reports as
 * `fetch failed` becomes `fetch failed: self-signed certificate in certificate chain
 * (SELF_SIGNED_CERT_IN_CHAIN)`. Up to four levels; messages only, no stacks.
 */
export function describeErrorChain(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return parts.length === 0 ? String(err) : parts.join(': ');
}
