/** What a secret is replaced with wherever text may reach a person or a log. */
export const REDACTED = '***';

/**
 * The secrets one registry client has handled (passwords, tokens, basic-auth strings), and the
 * one function that scrubs them from any text before it becomes an error message or an event.
 * Each secret is also scrubbed in the forms it travels in (base64 `user:pass`, URL-encoded,
 * JSON-escaped), so a registry echoing a request back cannot leak it either.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Registers a secret (values shorter than 4 characters are too common to scrub safely). */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < 4) return;
    this.#secrets.add(secret);
    this.#secrets.add(encodeURIComponent(secret));
    this.#secrets.add(JSON.stringify(secret).slice(1, -1));
  }

  /** Registers a username/password pair and the basic-auth form of it. */
  addBasic(username: string, password: string): void {
    this.add(password);
    this.add(Buffer.from(`${username}:${password}`).toString('base64'));
  }

  /** `text` with every registered secret replaced by `***`. */
  apply(text: string): string {
    let out = text;
    // longest first, so a secret containing another is scrubbed whole
    const secrets = [...this.#secrets].sort((a, b) => b.length - a.length);
    for (const secret of secrets) out = out.split(secret).join(REDACTED);
    return out;
  }
}

/**
 * A URL safe to show: no user-info, and query values (signed redirect URLs and upload states
 * carry credentials there) replaced by `***`.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  parsed.username = '';
  parsed.password = '';
  const keys = [...new Set(parsed.searchParams.keys())];
  const query = keys.map((k) => `${encodeURIComponent(k)}=${REDACTED}`).join('&');
  return `${parsed.origin}${parsed.pathname}${query === '' ? '' : '?' + query}`;
}
