/** One authentication challenge from a `WWW-Authenticate` header (RFC 7235). */
export interface AuthChallenge {
  /** The scheme, lower-cased: `bearer`, `basic`, ... */
  readonly scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses every challenge in a `WWW-Authenticate` value. Several challenges may share one value
 * (fetch joins repeated headers with ", "), so a bare token not followed by `=` starts a new one.
 * Malformed tails are skipped rather than thrown: a registry's odd header must not hide its status.
 */
export function parseAuthChallenges(header: string | null | undefined): AuthChallenge[] {
  if (header === null || header === undefined) return [];
  const text = header;
  let i = 0;
  const challenges: { scheme: string; params: Record<string, string> }[] = [];

  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < text.length && TOKEN_CHAR.test(text[i] ?? '')) i++;
    return text.slice(start, i);
  };
  const readQuoted = (): string => {
    // at the opening quote
    i++;
    let out = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      out += text[i] ?? '';
      i++;
    }
    i++; // closing quote (or end)
    return out;
  };

  while (i < text.length) {
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    const token = readToken();
    if (token === '') {
      i++; // unexpected character: skip it
      continue;
    }
    skipSpace();
    const current = challenges[challenges.length - 1];
    if (text[i] === '=' && current !== undefined && text[i + 1] !== '=') {
      // an auth-param of the current challenge
      i++;
      skipSpace();
      const value = text[i] === '"' ? readQuoted() : readToken();
      current.params[token.toLowerCase()] = value;
      continue;
    }
    if (text[i] === '=') {
      // a token68 credential (`Basic abc==`): not a parameter, skip it
      while (i < text.length && text[i] !== ',') i++;
      continue;
    }
    challenges.push({ scheme: token.toLowerCase(), params: {} });
  }
  return challenges;
}

/** The challenge to answer: bearer before basic; undefined when none is one we can answer. */
export function pickChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
