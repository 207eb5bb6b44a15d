/**
 * resolv.conf handling with BuildKit's rules (pure): the host's file is parsed and written back
 * without comments; a step with its own network namespace cannot reach the host's loopback, so
 * loopback nameservers are dropped there and public defaults used when none is left.
 */
import type { RunNetwork } from './spec.js';

export interface ResolvConf {
  readonly nameservers: readonly string[];
  readonly search: readonly string[];
  readonly options: readonly string[];
  /** Unrecognised directives, kept verbatim. */
  readonly other: readonly string[];
}

const DEFAULT_IPV4_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];
const DEFAULT_IPV6_NAMESERVERS = ['2001:4860:4860::8888', '2001:4860:4860::8844'];

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Whether `text` is an IP address (IPv4 dotted quad, or an IPv6 literal, optionally with a zone). */
function isIpAddress(text: string): boolean {
  const v4 = IPV4.exec(text);
  if (v4 !== null) return v4.slice(1).every((part) => Number(part) <= 255 && !/^0\d/.test(part));
  const [address = ''] = text.split('%');
  return address.includes(':') && /^[0-9A-Fa-f:.]+$/.test(address) && (address.match(/::/g) ?? []).length <= 1;
}

/** Loopback: 127.0.0.0/8, ::1 and IPv4-mapped 127.x. */
export function isLoopbackAddress(address: string): boolean {
  if (address.startsWith('127.')) return true;
  const lower = address.toLowerCase().split('%')[0] ?? '';
  if (lower === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(lower)) return true;
  return lower.startsWith('::ffff:127.');
}

/** Parses resolv.conf text; invalid nameserver addresses are skipped, the last `search` wins. */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  const options: string[] = [];
  const other: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const fields = line.split(/\s+/).filter((f) => f !== '');
    const [directive, ...rest] = fields;
    if (directive === undefined) continue;
    switch (directive) {
      case 'nameserver':
        if (rest[0] !== undefined && isIpAddress(rest[0])) nameservers.push(rest[0]);
        break;
      case 'domain':
      case 'search':
        if (rest.length > 0) search = rest;
        break;
      case 'options':
        options.push(...rest);
        break;
      default:
        other.push(line);
    }
  }
  return { nameservers, search, options, other };
}

/** Writes a parsed resolv.conf back as text, in BuildKit's order. */
export function formatResolvConf(conf: ResolvConf): string {
  const lines = conf.nameservers.map((ns) => `nameserver ${ns}`);
  if (conf.search.length > 0) lines.push(`search ${conf.search.join(' ')}`);
  if (conf.options.length > 0) lines.push(`options ${conf.options.join(' ')}`);
  lines.push(...conf.other);
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * The resolv.conf a RUN step sees, from the host's file (`undefined` when the host has none).
 * With `host` networking the host's nameservers are kept as they are (the step shares the host's
 * loopback); with its own namespace (`none`) loopback servers are dropped and, if nothing is left,
 * Google's public servers are written, as BuildKit does for any non-host network. A `none` step has
 * no route to any of them, so this only decides what a script that reads the file observes.
 */
export function resolvConfForStep(hostText: string | undefined, network: RunNetwork): string {
  const conf = parseResolvConf(hostText ?? '');
  if (network === 'host' && conf.nameservers.length > 0) return formatResolvConf(conf);
  let nameservers = conf.nameservers.filter((ns) => !isLoopbackAddress(ns));
  if (nameservers.length === 0) nameservers = [...DEFAULT_IPV4_NAMESERVERS, ...DEFAULT_IPV6_NAMESERVERS];
  return formatResolvConf({ ...conf, nameservers });
}

/**
 * Whether the host's file only points at systemd-resolved's local stub (127.0.0.53), in which case
 * the real upstream list lives in /run/systemd/resolve/resolv.conf (moby's rule for picking the file).
 */
export function usesSystemdResolvedStub(hostText: string): boolean {
  const { nameservers } = parseResolvConf(hostText);
  return nameservers.length === 1 && nameservers[0] === '127.0.0.53';
}
