/** What EXPOSE's lint rules find wrong with one port spec, after variable expansion. */
export interface ExposeFinding {
  readonly rule: 'ExposeProtoCasing' | 'ExposeInvalidFormat';
  readonly message: string;
}

/**
 * Checks one `[ip:][hostPort:]port[/proto]` spec as BuildKit's port parser does before it
 * validates numbers: a protocol not in lowercase, and an IP address or host port (a mapping
 * belongs to `docker run -p`, not to the image). A spec whose protocol is unknown gives nothing
 * here (the build fails on it).
 */
export function checkExposedPort(spec: string): ExposeFinding[] {
  const parts = spec.split(':');
  const containerPart = parts[parts.length - 1] ?? '';
  const hostPort = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  const ip = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  const slash = containerPart.indexOf('/');
  const port = slash === -1 ? containerPart : containerPart.slice(0, slash);
  const proto = slash === -1 ? '' : containerPart.slice(slash + 1);
  if (port === '' || !['', 'tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) return [];
  const findings: ExposeFinding[] = [];
  if (proto !== proto.toLowerCase()) {
    findings.push({
      rule: 'ExposeProtoCasing',
      message: `Defined protocol '${spec}' in EXPOSE instruction should be lowercase`,
    });
  }
  if (ip !== '' || hostPort !== '') {
    findings.push({
      rule: 'ExposeInvalidFormat',
      message: `EXPOSE instruction should not define an IP address or host-port mapping, found '${spec}'`,
    });
  }
  return findings;
}
