import { isIP } from 'node:net';

/** The name docker gives Docker Hub in references, and the host its API answers on. */
export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
/** The key Docker Hub's credentials are stored under in config.json (a historical URL). */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export type Scheme = 'https' | 'http';

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon > 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

/** Whether `host` (`name[:port]`) is this machine: localhost, *.localhost, 127.0.0.0/8 or ::1. */
export function isLocalRegistry(host: string): boolean {
  const name = hostname(host).toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1';
  return false;
}

/** The host the distribution API of a registry named in a reference answers on. */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB || registry === 'index.docker.io' ? DOCKER_HUB_API : registry;
}

/**
 * The schemes to try, in order: plain HTTP only for this machine; HTTPS then HTTP for a registry
 * marked insecure (as containers/image does); HTTPS only otherwise.
 */
export function registrySchemes(host: string, insecure: boolean): readonly Scheme[] {
  if (isLocalRegistry(host)) return ['http'];
  return insecure ? ['https', 'http'] : ['https'];
}

/**
 * A registry name as written by a user or as a config.json key (`https://index.docker.io/v1/`,
 * `http://host:5000/v2`, `Host:5000`) reduced to the name references use (`docker.io`, `host:5000`).
 */
export function normalizeRegistryName(server: string): string {
  let name = server.trim();
  name = name.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = name.indexOf('/');
  if (slash >= 0) name = name.slice(0, slash);
  name = name.toLowerCase();
  if (name === 'index.docker.io' || name === DOCKER_HUB_API || name === 'registry.hub.docker.com') {
    return DOCKER_HUB;
  }
  return name;
}
