/**
 * Splits one line of CSV into fields the way Go's encoding/csv reader (and BuildKit's csvvalue)
 * does with default settings: `,` separates; a field starting with `"` is quoted, `""` inside it is
 * one quote, and the closing quote must be followed by `,` or the end; a quote inside an unquoted
 * field is an error. An empty line is an error (Go's EOF); a trailing newline is dropped.
 */
export function splitCsvFields(input: string): { ok: true; fields: string[] } | { ok: false; error: string } {
  let line = input;
  if (line.endsWith('\r\n')) line = line.slice(0, -2);
  else if (line.endsWith('\n')) line = line.slice(0, -1);
  if (line === '') return { ok: false, error: 'EOF' };
  const fields: string[] = [];
  let pos = 0;
  for (;;) {
    if (line.charAt(pos) !== '"') {
      const comma = line.indexOf(',', pos);
      const field = comma === -1 ? line.slice(pos) : line.slice(pos, comma);
      const quote = field.indexOf('"');
      if (quote !== -1) return { ok: false, error: parseError(pos + quote, 'bare " in non-quoted-field') };
      fields.push(field);
      if (comma === -1) return { ok: true, fields };
      pos = comma + 1;
      continue;
    }
    pos++;
    let field = '';
    for (;;) {
      const quote = line.indexOf('"', pos);
      if (quote === -1) return { ok: false, error: parseError(pos, 'extraneous or missing " in quoted-field') };
      field += line.slice(pos, quote);
      pos = quote + 1;
      const next = line.charAt(pos);
      if (next === '"') {
        field += '"';
        pos++;
      } else if (next === ',') {
        fields.push(field);
        pos++;
        break;
      } else if (pos === line.length) {
        fields.push(field);
        return { ok: true, fields };
      } else {
        return { ok: false, error: parseError(pos - 1, 'extraneous or missing " in quoted-field') };
      }
    }
  }
}

/** Go's csv.ParseError text (positions count bytes in Go; here UTF-16 units, equal for ASCII). */
function parseError(pos: number, what: string): string {
  return `parse error on line 1, column ${pos + 1}: ${what}`;
}
