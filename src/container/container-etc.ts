/**
 * The /etc/hosts, /etc/resolv.conf and /etc/hostname a container sees, bound over the image's:
 * - host network: the host's own hosts and resolver files, and its host name (as docker does);
 * - private: localhost and the container's host name; the resolver is slirp4netns's DNS
 *   forwarder (10.0.2.3) with the host's search domains and options;
 * - none: localhost and the host name; the host's resolver list without loopback servers
 *   (nothing is reachable, the file is only there for programs that read it).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatResolvConf, hostnameFileContent, hostsFileContent, parseResolvConf, resolvConfForStep } from '../runtime/index.js';
import type { EtcFilesInput } from '../runtime/index.js';
import type { ContainerNetwork } from './container-record.js';

export const SLIRP_DNS = '10.0.2.3';

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface ContainerEtcOptions {
  readonly network: ContainerNetwork;
  readonly hostname: string;
  /** The host's files; defaults /etc/hosts and /etc/resolv.conf. */
  readonly hostHosts?: string;
  readonly hostResolvConf?: string;
}

/** The resolv.conf text for a network mode, from the host's (pure). */
export function containerResolvConf(hostText: string | undefined, network: ContainerNetwork): string {
  if (network === 'host') return resolvConfForStep(hostText, 'host');
  if (network === 'none') return resolvConfForStep(hostText, 'none');
  const host = parseResolvConf(hostText ?? '');
  return formatResolvConf({ ...host, nameservers: [SLIRP_DNS] });
}

/** Writes the three files into `dir` (created) and returns their paths. */
export async function writeContainerEtc(dir: string, options: ContainerEtcOptions): Promise<Required<EtcFilesInput>> {
  await mkdir(dir, { recursive: true });
  const files = { hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf'), hostname: join(dir, 'hostname') };
  const hostHosts = options.network === 'host' ? await readOptional(options.hostHosts ?? '/etc/hosts') : undefined;
  await writeFile(files.hosts, hostHosts ?? hostsFileContent(options.hostname), { mode: 0o644 });
  await writeFile(files.resolvConf, containerResolvConf(await readOptional(options.hostResolvConf ?? '/etc/resolv.conf'), options.network), { mode: 0o644 });
  await writeFile(files.hostname, hostnameFileContent(options.hostname), { mode: 0o644 });
  return files;
}
