/**
 * The /etc/hosts, /etc/resolv.conf and /etc/hostname files a RUN step sees, generated per step
 * and bound read-only over the rootfs's own (so they never land in a layer).
 *
 * BuildKit writes the same hosts file whatever the network mode (localhost + the sandbox name; the
 * host's /etc/hosts is not copied even with host networking), and derives resolv.conf from the
 * host's (see resolvConfForStep). It does not bind /etc/hostname: the file is written here so a
 * caller may opt in, but runStep leaves the image's own /etc/hostname in place by default.
 */
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolvConfForStep, usesSystemdResolvedStub } from './resolv-conf.js';
import type { EtcFilesInput, RunNetwork } from './spec.js';
import { DEFAULT_HOSTNAME } from './spec-defaults.js';

/** /etc/hosts: IPv4 localhost with the sandbox's host name, and the IPv6 loopback names. */
export function hostsFileContent(hostname: string = DEFAULT_HOSTNAME): string {
  const name = hostname === '' ? DEFAULT_HOSTNAME : hostname;
  return `127.0.0.1\tlocalhost ${name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`;
}

export function hostnameFileContent(hostname: string = DEFAULT_HOSTNAME): string {
  return `${hostname === '' ? DEFAULT_HOSTNAME : hostname}\n`;
}

export interface WriteEtcFilesOptions {
  readonly network: RunNetwork;
  readonly hostname?: string;
  /** The host's resolver configuration. Default /etc/resolv.conf. */
  readonly hostResolvConf?: string;
  /** Where systemd-resolved keeps the upstream servers. Default /run/systemd/resolve/resolv.conf. */
  readonly systemdResolvConf?: string;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Reads the host file BuildKit would start from for this network mode. */
async function hostResolverText(options: WriteEtcFilesOptions): Promise<string | undefined> {
  const main = await readOptional(options.hostResolvConf ?? '/etc/resolv.conf');
  if (options.network === 'host' || main === undefined || !usesSystemdResolvedStub(main)) return main;
  return (await readOptional(options.systemdResolvConf ?? '/run/systemd/resolve/resolv.conf')) ?? main;
}

/** Writes `hosts`, `resolv.conf` and `hostname` into `dir` (which must exist) and returns their paths. */
export async function writeEtcFiles(dir: string, options: WriteEtcFilesOptions): Promise<Required<EtcFilesInput>> {
  const files = {
    hosts: join(dir, 'hosts'),
    resolvConf: join(dir, 'resolv.conf'),
    hostname: join(dir, 'hostname'),
  };
  const resolver = await hostResolverText(options);
  // three small files in the step's fresh temp directory: direct calls, not six pool round trips
  writeFileSync(files.hosts, hostsFileContent(options.hostname), { mode: 0o644 });
  writeFileSync(files.resolvConf, resolvConfForStep(resolver, options.network), { mode: 0o644 });
  writeFileSync(files.hostname, hostnameFileContent(options.hostname), { mode: 0o644 });
  return files;
}
