import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerResolvConf, writeContainerEtc } from './container-etc.js';

const HOST = '# generated\nnameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch corp.example\noptions edns0\n';

describe('container /etc files', () => {
  it.each([
    ['private', 'nameserver 10.0.2.3\nsearch corp.example\noptions edns0\n'],
    ['none', 'nameserver 192.0.2.1\nsearch corp.example\noptions edns0\n'],
    ['host', 'nameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch corp.example\noptions edns0\n'],
  ] as const)('resolv.conf for %s', (network, text) => {
    expect(containerResolvConf(HOST, network)).toBe(text);
  });

  it('writes hosts with the container name, or the host files for the host network', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stagecraft-etc-'));
    try {
      const hostHosts = join(dir, 'host-hosts');
      const hostResolv = join(dir, 'host-resolv');
      await writeFile(hostHosts, '127.0.0.1 localhost\n10.1.1.1 build-box\n');
      await writeFile(hostResolv, HOST);
      const own = await writeContainerEtc(join(dir, 'own'), { network: 'private', hostname: 'abc123', hostHosts, hostResolvConf: hostResolv });
      expect(await readFile(own.hosts, 'utf8')).toBe('127.0.0.1\tlocalhost abc123\n::1\tlocalhost ip6-localhost ip6-loopback\n');
      expect(await readFile(own.hostname, 'utf8')).toBe('abc123\n');
      expect(await readFile(own.resolvConf, 'utf8')).toMatch(/^nameserver 10\.0\.2\.3\n/);
      const shared = await writeContainerEtc(join(dir, 'shared'), { network: 'host', hostname: 'build-box', hostHosts, hostResolvConf: hostResolv });
      expect(await readFile(shared.hosts, 'utf8')).toBe('127.0.0.1 localhost\n10.1.1.1 build-box\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
