/**
 * Go's time.ParseDuration, exactly: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` with units ns, us (µs, μs),
 * ms, s, m, h; a bare "0" is allowed without a unit. Returns nanoseconds, or an error message
 * worded as Go's. Values beyond 2^53 ns (about 104 days) lose precision in the returned number.
 */
export function parseGoDuration(text: string): { ok: true; nanoseconds: number } | { ok: false; error: string } {
  const invalid = { ok: false as const, error: `time: invalid duration ${goQuote(text)}` };
  let s = text;
  let negative = false;
  if (s !== '' && (s.startsWith('-') || s.startsWith('+'))) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, nanoseconds: 0 };
  if (s === '') return invalid;
  let total = 0n;
  while (s !== '') {
    const first = s.charAt(0);
    if (!(first === '.' || isDigit(first))) return invalid;
    const before = s.length;
    const whole = leadingInt(s);
    if (whole === undefined) return invalid;
    let value = whole.value;
    s = whole.rest;
    const pre = before !== s.length;
    let post = false;
    let fraction = 0n;
    let scale = 1;
    if (s.startsWith('.')) {
      s = s.slice(1);
      const afterDot = s.length;
      const frac = leadingFraction(s);
      fraction = frac.value;
      scale = frac.scale;
      s = frac.rest;
      post = afterDot !== s.length;
    }
    if (!pre && !post) return invalid;
    let i = 0;
    while (i < s.length && !(s.charAt(i) === '.' || isDigit(s.charAt(i)))) i++;
    if (i === 0) return { ok: false, error: `time: missing unit in duration ${goQuote(text)}` };
    const unitName = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS.get(unitName);
    if (unit === undefined) {
      return { ok: false, error: `time: unknown unit ${goQuote(unitName)} in duration ${goQuote(text)}` };
    }
    if (value > LIMIT / unit) return invalid;
    value *= unit;
    if (fraction > 0n) {
      // Go computes the fractional part in float64 and truncates.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > LIMIT) return invalid;
    }
    total += value;
    if (total > LIMIT) return invalid;
  }
  if (!negative && total > LIMIT - 1n) return invalid;
  return { ok: true, nanoseconds: negative ? -Number(total) : Number(total) };
}

const LIMIT = 1n << 63n;

const UNITS = new Map<string, bigint>([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function leadingInt(s: string): { value: bigint; rest: string } | undefined {
  let value = 0n;
  let i = 0;
  for (; i < s.length && isDigit(s.charAt(i)); i++) {
    if (value > LIMIT / 10n) return undefined;
    value = value * 10n + BigInt(s.charCodeAt(i) - 48);
    if (value > LIMIT) return undefined;
  }
  return { value, rest: s.slice(i) };
}

function leadingFraction(s: string): { value: bigint; scale: number; rest: string } {
  let value = 0n;
  let scale = 1;
  let overflow = false;
  let i = 0;
  for (; i < s.length && isDigit(s.charAt(i)); i++) {
    if (overflow) continue;
    if (value > (LIMIT - 1n) / 10n) {
      overflow = true;
      continue;
    }
    const next = value * 10n + BigInt(s.charCodeAt(i) - 48);
    if (next > LIMIT) {
      overflow = true;
      continue;
    }
    value = next;
    scale *= 10;
  }
  return { value, scale, rest: s.slice(i) };
}

/** The quoting of Go's time package: `"` and `\` escaped, control and non-ASCII bytes as `\xNN`. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x80 || code < 0x20) {
      for (const byte of new TextEncoder().encode(ch)) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
}
