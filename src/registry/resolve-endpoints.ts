import { BuildError } from '../errors/index.js';
import type { RegistriesConfig, RegistryEntry } from './registries-conf.js';
import type { RemoteReference } from './remote-reference.js';

/** Where to send requests for one reference: a registry host, the repository there, and how. */
export interface Endpoint {
  readonly registry: string;
  readonly repository: string;
  readonly insecure: boolean;
  /** Whether this endpoint is a mirror (a failure there falls through to the next endpoint). */
  readonly mirror: boolean;
}

function prefixMatches(prefix: string, name: string): boolean {
  if (prefix.startsWith('*.')) {
    const host = name.split('/')[0] ?? '';
    return host.endsWith(prefix.slice(1));
  }
  if (!name.startsWith(prefix)) return false;
  const next = name[prefix.length];
  return next === undefined || next === '/' || next === ':' || next === '@';
}

/** The `[[registry]]` entry for a reference: the longest matching prefix, as containers/image picks. */
export function findRegistryEntry(config: RegistriesConfig, ref: RemoteReference): RegistryEntry | undefined {
  const name = `${ref.registry}/${ref.repository}`;
  let best: RegistryEntry | undefined;
  let bestLength = -1;
  for (const entry of config.registries) {
    if (!prefixMatches(entry.prefix, name)) continue;
    // a wildcard counts as shorter than any exact prefix
    const length = entry.prefix.startsWith('*.') ? 0 : entry.prefix.length;
    if (length > bestLength) {
      best = entry;
      bestLength = length;
    }
  }
  return best;
}

function rewrite(name: string, prefix: string, location: string, insecure: boolean, mirror: boolean): Endpoint {
  const rewritten = prefix.startsWith('*.') ? name : location + name.slice(prefix.length);
  const slash = rewritten.indexOf('/');
  return { registry: rewritten.slice(0, slash), repository: rewritten.slice(slash + 1), insecure, mirror };
}

function checkBlocked(entry: RegistryEntry | undefined, ref: RemoteReference): void {
  if (entry?.blocked === true) {
    throw new BuildError('REGISTRY_BLOCKED', `${ref.registry}/${ref.repository} is blocked by ${entry.source} (prefix "${entry.prefix}")`, {
      hint: 'remove `blocked = true` from that [[registry]] entry to allow it',
      details: { registry: ref.registry, repository: ref.repository },
    });
  }
}

/**
 * The endpoints to pull `ref` from, in order: each mirror the entry allows for this kind of
 * reference (tag or digest), then the primary location. Throws REGISTRY_BLOCKED for a blocked one.
 */
export function pullEndpoints(config: RegistriesConfig, ref: RemoteReference): Endpoint[] {
  const entry = findRegistryEntry(config, ref);
  checkBlocked(entry, ref);
  const name = `${ref.registry}/${ref.repository}`;
  if (entry === undefined) return [{ registry: ref.registry, repository: ref.repository, insecure: false, mirror: false }];
  const byDigest = ref.digest !== undefined;
  const mirrors = entry.mirrors
    .filter((m) => m.pullFromMirror === 'all' || (m.pullFromMirror === 'digest-only') === byDigest)
    .map((m) => rewrite(name, entry.prefix, m.location, m.insecure, true));
  return [...mirrors, rewrite(name, entry.prefix, entry.location, entry.insecure, false)];
}

/** The endpoint to push `ref` to: the primary location (mirrors are for pulls only). */
export function pushEndpoint(config: RegistriesConfig, ref: RemoteReference): Endpoint {
  const entry = findRegistryEntry(config, ref);
  checkBlocked(entry, ref);
  if (entry === undefined) return { registry: ref.registry, repository: ref.repository, insecure: false, mirror: false };
  return rewrite(`${ref.registry}/${ref.repository}`, entry.prefix, entry.location, entry.insecure, false);
}

/** Whether a registry named in a reference is marked insecure by the config. */
export function isInsecureRegistry(config: RegistriesConfig, registry: string): boolean {
  return config.registries.some((r) => (r.prefix === registry || r.location === registry) && r.insecure);
}
