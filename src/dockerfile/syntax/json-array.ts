/** Go's encoding/json refuses documents nested deeper than this. */
const MAX_JSON_DEPTH = 10000;

/** What reading an argument list as a JSON array gave. */
export type JsonArrayResult =
  | { readonly kind: 'array'; readonly values: readonly string[] }
  /** Not JSON (or not an array): BuildKit falls back to the shell form. */
  | { readonly kind: 'not-json' }
  /** A valid JSON array with something other than strings in it: an error in BuildKit. */
  | { readonly kind: 'not-strings' };

/**
 * Reads `text` as a JSON array of strings with the outcome Go's `json.Unmarshal` into `[]any`
 * would have in BuildKit's parseJSON: the text must start with `[`; numbers too large for a
 * float64 and documents nested deeper than 10000 are decoding errors (shell form), other
 * non-string elements are "not a string array"; invalid surrogate escapes become U+FFFD.
 */
export function parseJsonArray(text: string): JsonArrayResult {
  if (!text.startsWith('[')) return { kind: 'not-json' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'not-json' };
  }
  if (!Array.isArray(parsed)) return { kind: 'not-json' };
  const values: string[] = [];
  let allStrings = true;
  for (const item of parsed as unknown[]) {
    if (typeof item === 'string') values.push(replaceLoneSurrogates(item));
    else allStrings = false;
  }
  if (allStrings) return { kind: 'array', values };
  if (hasInfiniteNumber(parsed) || jsonDepth(text) > MAX_JSON_DEPTH) return { kind: 'not-json' };
  return { kind: 'not-strings' };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function replaceLoneSurrogates(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd');
}

function hasInfiniteNumber(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'number' && !Number.isFinite(value)) return true;
    if (Array.isArray(value)) for (const item of value as unknown[]) stack.push(item);
    else if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) stack.push(item);
    }
  }
  return false;
}

/** The deepest nesting of arrays and objects in a JSON text (outside strings). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) max = Math.max(max, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return max;
}
