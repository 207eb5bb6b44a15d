/**
 * Go's `fmt` spellings that BuildKit's history entries carry (`%q` of a string, `%v` of a slice and
 * of a map, `time.Duration.String`), so `created_by` reads exactly as BuildKit writes it.
 */

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** Whether Go's unicode.IsPrint would call the code point printable (close enough: no controls, no unassigned marks). */
function isPrintable(codePoint: number): boolean {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return false;
  if (codePoint === 0xad || codePoint === 0xfeff) return false;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return false;
  if (codePoint >= 0x2028 && codePoint <= 0x2029) return false;
  return !/\p{C}/u.test(String.fromCodePoint(codePoint));
}

/** `strconv.Quote`: a double-quoted Go string literal. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const simple = SIMPLE_ESCAPES[char];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const codePoint = char.codePointAt(0) ?? 0;
    if (isPrintable(codePoint)) out += char;
    else if (codePoint < 0x80) out += `\\x${codePoint.toString(16).padStart(2, '0')}`;
    else if (codePoint < 0x10000) out += `\\u${codePoint.toString(16).padStart(4, '0')}`;
    else out += `\\U${codePoint.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}

/** `fmt.Sprintf("%q", []string{...})`: `["a" "b"]`. */
export function goQuotedList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(' ')}]`;
}

/** `fmt.Sprintf("%v", []string{...})`: `[a b]`. */
export function goList(values: readonly string[]): string {
  return `[${values.join(' ')}]`;
}

/** `fmt.Sprintf("%v", map[string]struct{}{...})`: keys sorted, `map[3000/tcp:{} 80/tcp:{}]`. */
export function goSetMap(keys: Iterable<string>): string {
  const sorted = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[${sorted.map((k) => `${k}:{}`).join(' ')}]`;
}

/** Digits of `value` / 10^`precision` with trailing zeros (and a lone point) removed, as Go's fmtFrac. */
function fraction(value: bigint, precision: number): { whole: bigint; text: string } {
  const scale = 10n ** BigInt(precision);
  const whole = value / scale;
  let frac = (value % scale).toString().padStart(precision, '0').replace(/0+$/, '');
  if (frac !== '') frac = '.' + frac;
  return { whole, text: frac };
}

/** `time.Duration(nanoseconds).String()`: `0s`, `1.5s`, `500ms`, `2m30s`, `1h0m0s`. */
export function goDuration(nanoseconds: number): string {
  let ns = BigInt(Math.trunc(nanoseconds));
  const negative = ns < 0n;
  if (negative) ns = -ns;
  const sign = negative ? '-' : '';
  if (ns === 0n) return '0s';
  if (ns < 1_000_000_000n) {
    // below a second: ns, µs or ms with a fraction
    if (ns < 1_000n) return `${sign}${ns.toString()}ns`;
    if (ns < 1_000_000n) {
      const { whole, text } = fraction(ns, 3);
      return `${sign}${whole.toString()}${text}µs`;
    }
    const { whole, text } = fraction(ns, 6);
    return `${sign}${whole.toString()}${text}ms`;
  }
  const { whole: seconds, text: frac } = fraction(ns, 9);
  const s = seconds % 60n;
  const minutes = seconds / 60n;
  if (minutes === 0n) return `${sign}${s.toString()}${frac}s`;
  const m = minutes % 60n;
  const hours = minutes / 60n;
  if (hours === 0n) return `${sign}${m.toString()}m${s.toString()}${frac}s`;
  return `${sign}${hours.toString()}h${m.toString()}m${s.toString()}${frac}s`;
}
