/**
 * `-p` values and the PORTS column, after docker's nat.ParsePortSpec and DisplayablePorts, with
 * one difference: a published port is only ever bound on the host's loopback (127.0.0.1), never
 * on every address; naming another host address is refused.
 */
import { BuildError } from '../errors/index.js';
import type { PortMapping, PortProtocol } from './container-record.js';

export const LOOPBACK = '127.0.0.1';

function invalid(message: string, spec: string): BuildError {
  return new BuildError('USAGE', message, {
    hint: 'write -p HOSTPORT:CONTAINERPORT[/tcp|udp] (or 127.0.0.1:HOSTPORT:CONTAINERPORT, or CONTAINERPORT for a free host port)',
    details: { publish: spec },
  });
}

/** `80` or `8000-8010` → [first, last]; `allowZero` for a host port left for the system to choose. */
function parseRange(text: string, what: string, spec: string, allowZero: boolean): [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (match === null) throw invalid(`invalid ${what}: ${text}`, spec);
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  const min = allowZero && match[2] === undefined ? 0 : 1;
  if (first < min || first > 65535 || last < first || last > 65535) throw invalid(`invalid ${what}: ${text}`, spec);
  return [first, last];
}

/**
 * Parses one `-p` into port mappings (a range gives one per port). Host port 0 means "any free
 * port", chosen when the container starts.
 */
export function parsePublish(spec: string): PortMapping[] {
  const slash = spec.lastIndexOf('/');
  const proto = slash === -1 ? 'tcp' : spec.slice(slash + 1).toLowerCase();
  if (proto !== 'tcp' && proto !== 'udp') throw invalid(`invalid proto: ${spec.slice(slash + 1)}`, spec);
  const body = slash === -1 ? spec : spec.slice(0, slash);
  const parts = body.split(':');
  let ip = '';
  let host = '';
  let container: string;
  if (parts.length === 1) container = parts[0] ?? '';
  else if (parts.length === 2) [host, container] = [parts[0] ?? '', parts[1] ?? ''];
  else if (parts.length === 3) [ip, host, container] = [parts[0] ?? '', parts[1] ?? '', parts[2] ?? ''];
  else throw invalid(`invalid port specification: "${spec}"`, spec);
  if (ip !== '' && ip !== LOOPBACK && ip !== 'localhost') {
    throw new BuildError('USAGE', `cannot publish on ${ip}: stagecraft only binds published ports on ${LOOPBACK}`, {
      hint: `drop the address (-p ${host}:${container}) to publish on ${LOOPBACK}`,
      details: { publish: spec },
    });
  }
  if (container === '') throw invalid(`no port specified: ${spec}<empty>`, spec);
  const [cFirst, cLast] = parseRange(container, 'containerPort', spec, false);
  const [hFirst, hLast] = host === '' ? [0, 0] : parseRange(host, 'hostPort', spec, true);
  const count = cLast - cFirst + 1;
  if (host !== '' && hLast - hFirst + 1 !== count && !(hFirst === hLast && count === 1)) {
    throw invalid(`invalid ranges specified for container and host Ports: ${container} and ${host}`, spec);
  }
  const protocol: PortProtocol = proto;
  const out: PortMapping[] = [];
  for (let k = 0; k < count; k++) {
    out.push({ hostIp: LOOPBACK, hostPort: hFirst === 0 ? 0 : hFirst + k, containerPort: cFirst + k, protocol });
  }
  return out;
}

/** Parses every `-p`, refusing a host port given twice for the same protocol. */
export function parsePublishList(specs: readonly string[]): PortMapping[] {
  const all = specs.flatMap(parsePublish);
  const seen = new Set<string>();
  for (const mapping of all) {
    if (mapping.hostPort === 0) continue;
    const key = `${String(mapping.hostPort)}/${mapping.protocol}`;
    if (seen.has(key)) {
      throw new BuildError('USAGE', `host port ${key} is published twice`, { details: { port: key } });
    }
    seen.add(key);
  }
  return all;
}

function portKey(port: number, protocol: string): string {
  return `${String(port)}/${protocol}`;
}

/**
 * The PORTS column: published ports as `127.0.0.1:3000->3000/tcp`, then exposed ports nothing
 * publishes as `8080/tcp`, joined with `, ` (docker shows both while a container runs).
 */
export function formatPorts(ports: readonly PortMapping[], exposed: readonly string[]): string {
  const sorted = [...ports].sort((a, b) => a.containerPort - b.containerPort || a.protocol.localeCompare(b.protocol) || a.hostPort - b.hostPort);
  const published = sorted.map((p) => `${p.hostIp}:${String(p.hostPort)}->${portKey(p.containerPort, p.protocol)}`);
  const taken = new Set(ports.map((p) => portKey(p.containerPort, p.protocol)));
  const unpublished = exposed
    .map((key) => (key.includes('/') ? key : `${key}/tcp`))
    .filter((key) => !taken.has(key))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b));
  return [...published, ...[...new Set(unpublished)]].join(', ');
}
