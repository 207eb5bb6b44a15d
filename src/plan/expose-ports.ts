/**
 * EXPOSE port specs (`80`, `53/udp`, `8000-8002/tcp`, and the tolerated `ip:host:container` forms)
 * to `port/proto` entries, one per port of a range, as BuildKit's parsePorts. Returns an error
 * message instead of throwing.
 */
export function parseExposedPorts(specs: readonly string[]): { ok: true; ports: string[] } | { ok: false; error: string } {
  const ports: string[] = [];
  for (const spec of specs) {
    const parsed = parsePort(spec);
    if (typeof parsed === 'string') return { ok: false, error: parsed };
    ports.push(...parsed);
  }
  return { ok: true, ports };
}

function parsePort(raw: string): string[] | string {
  const parts = raw.split(':');
  const containerPart = parts[parts.length - 1] ?? '';
  const hostPort = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  const cut = containerPart.indexOf('/');
  const port = cut === -1 ? containerPart : containerPart.slice(0, cut);
  const protoText = cut === -1 ? '' : containerPart.slice(cut + 1);
  if (port === '') return `invalid port: ${JSON.stringify(raw)}: no port specified`;
  const proto = protoText === '' ? 'tcp' : protoText.toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) return `invalid port: ${JSON.stringify(raw)}: invalid proto: ${protoText}`;
  const range = parseRange(port);
  if (range === undefined) return `invalid containerPort: ${port}`;
  if (hostPort !== '') {
    const hostRange = parseRange(hostPort);
    if (hostRange === undefined) return `invalid hostPort: ${hostPort}`;
    if (range[1] - range[0] !== hostRange[1] - hostRange[0] && range[1] !== range[0]) {
      return `invalid ranges specified for container and host Ports: ${port} and ${hostPort}`;
    }
  }
  const out: string[] = [];
  for (let p = range[0]; p <= range[1]; p++) out.push(`${p}/${proto}`);
  return out;
}

function parseRange(text: string): [number, number] | undefined {
  const dash = text.indexOf('-');
  const start = parseNumber(dash === -1 ? text : text.slice(0, dash));
  if (start === undefined) return undefined;
  const endText = dash === -1 ? undefined : text.slice(dash + 1);
  if (endText === undefined || endText === text.slice(0, dash)) return [start, start];
  const end = parseNumber(endText);
  if (end === undefined || end < start) return undefined;
  return [start, end];
}

function parseNumber(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number.parseInt(text, 10);
  return n < 0 || n > 65535 ? undefined : n;
}
