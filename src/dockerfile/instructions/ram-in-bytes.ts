const BINARY_UNITS = new Map<string, number>([
  ['k', 1024],
  ['m', 1024 ** 2],
  ['g', 1024 ** 3],
  ['t', 1024 ** 4],
  ['p', 1024 ** 5],
]);

const GO_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * docker/go-units RAMInBytes (v0.5): a number (decimal float), an optional space, then an
 * optional suffix `b`, or `k|m|g|t|p` followed by nothing, `b` or `ib` (any case), in powers of
 * 1024. Negative sizes are refused. Returns bytes (truncated), or an error message.
 */
export function parseRamInBytes(text: string): { ok: true; bytes: number } | { ok: false; error: string } {
  const sep = lastIndexOfAny(text, '0123456789. ');
  if (sep === -1) return { ok: false, error: `invalid size: '${text}'` };
  const spaced = text.charAt(sep) === ' ';
  const num = spaced ? text.slice(0, sep) : text.slice(0, sep + 1);
  const suffix = text.slice(sep + 1);
  if (!GO_FLOAT.test(num)) {
    return { ok: false, error: `strconv.ParseFloat: parsing ${JSON.stringify(num)}: invalid syntax` };
  }
  let size = Number(num);
  if (!Number.isFinite(size)) {
    return { ok: false, error: `strconv.ParseFloat: parsing ${JSON.stringify(num)}: value out of range` };
  }
  if (size < 0) return { ok: false, error: `invalid size: '${text}'` };
  if (suffix === '') return { ok: true, bytes: Math.trunc(size) };
  const lower = suffix.toLowerCase();
  const bad = { ok: false as const, error: `invalid suffix: '${lower}'` };
  if (suffix.length > 3) return { ok: false, error: `invalid suffix: '${suffix}'` };
  if (lower.startsWith('b')) return lower.length > 1 ? bad : { ok: true, bytes: Math.trunc(size) };
  const multiplier = BINARY_UNITS.get(lower.charAt(0));
  if (multiplier === undefined) return bad;
  size *= multiplier;
  if (lower.length === 2 && lower.charAt(1) !== 'b') return bad;
  if (lower.length === 3 && lower.slice(1) !== 'ib') return bad;
  return { ok: true, bytes: Math.trunc(size) };
}

function lastIndexOfAny(text: string, chars: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    if (chars.includes(text.charAt(i))) return i;
  }
  return -1;
}
