// Words that, as a whole name or as its first or last `_`-separated part, suggest a secret; and
// words that, in the same places, say the value is not the secret itself (a file path, a version).
const SECRET_WORDS = ['apikey', 'auth', 'credential', 'credentials', 'key', 'password', 'pword', 'passwd', 'secret', 'token'];
const ALLOWED_WORDS = ['public', 'file', 'version'];

function edgeWordPattern(words: readonly string[]): RegExp {
  return new RegExp(`(?:_|^)(?:${words.join('|')})(?:_|$)`, 'i');
}

const SECRET_PATTERN = edgeWordPattern(SECRET_WORDS);
const ALLOWED_PATTERN = edgeWordPattern(ALLOWED_WORDS);

/** Whether an ARG or ENV name looks like it holds sensitive data (BuildKit's SecretsUsedInArgOrEnv). */
export function looksLikeSecretName(name: string): boolean {
  return SECRET_PATTERN.test(name) && !ALLOWED_PATTERN.test(name);
}

export function secretMessage(instruction: 'ARG' | 'ENV', name: string): string {
  return `Do not use ARG or ENV instructions for sensitive data (${instruction} ${JSON.stringify(name)})`;
}
