import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostnameFileContent, hostsFileContent, writeEtcFiles } from './etc-files.js';
import { isLoopbackAddress, parseResolvConf, resolvConfForStep, usesSystemdResolvedStub } from './resolv-conf.js';

describe('hosts and hostname files', () => {
  it.each([
    [undefined, '127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n'],
    ['', '127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n'],
    ['builder', '127.0.0.1\tlocalhost builder\n::1\tlocalhost ip6-localhost ip6-loopback\n'],
  ])('hosts for %j', (hostname, text) => {
    expect(hostsFileContent(hostname)).toBe(text);
  });

  it.each([
    [undefined, 'buildkitsandbox\n'],
    ['builder', 'builder\n'],
  ])('hostname for %j', (hostname, text) => {
    expect(hostnameFileContent(hostname)).toBe(text);
  });
});

describe('resolv.conf for a step', () => {
  const defaults = 'nameserver 8.8.8.8\nnameserver 8.8.4.4\nnameserver 2001:4860:4860::8888\nnameserver 2001:4860:4860::8844\n';
  it.each([
    { name: 'plain host file, own netns', host: 'nameserver 10.0.0.2\n', network: 'none' as const, out: 'nameserver 10.0.0.2\n' },
    { name: 'plain host file, host net', host: 'nameserver 10.0.0.2\n', network: 'host' as const, out: 'nameserver 10.0.0.2\n' },
    {
      name: 'loopback dropped in own netns',
      host: 'nameserver 127.0.0.1\nnameserver 1.1.1.1\n',
      network: 'none' as const,
      out: 'nameserver 1.1.1.1\n',
    },
    {
      name: 'loopback kept with host net',
      host: 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n',
      network: 'host' as const,
      out: 'nameserver 127.0.0.53\nsearch lan\noptions edns0 trust-ad\n',
    },
    { name: 'only loopback, own netns → defaults', host: 'nameserver 127.0.0.53\n', network: 'none' as const, out: defaults },
    { name: '::1 is loopback too', host: 'nameserver ::1\n', network: 'none' as const, out: defaults },
    { name: 'no host file → defaults', host: undefined, network: 'none' as const, out: defaults },
    { name: 'no nameserver with host net → defaults', host: '# empty\n', network: 'host' as const, out: defaults },
    {
      name: 'comments dropped, last search wins, options accumulate, other kept, CRLF',
      host: '# generated\r\nsearch a.example\r\nnameserver 10.1.1.1\r\ndomain b.example\r\noptions ndots:2\r\noptions rotate\r\nsortlist 10.0.0.0\r\n; x\r\n',
      network: 'none' as const,
      out: 'nameserver 10.1.1.1\nsearch b.example\noptions ndots:2 rotate\nsortlist 10.0.0.0\n',
    },
    {
      name: 'invalid nameserver addresses skipped',
      host: 'nameserver dns.example\nnameserver 300.1.1.1\nnameserver fe80::1%eth0\n',
      network: 'none' as const,
      out: 'nameserver fe80::1%eth0\n',
    },
  ])('$name', ({ host, network, out }) => {
    expect(resolvConfForStep(host, network)).toBe(out);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.12.0.9', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['fe80::1', false],
  ])('isLoopbackAddress(%s) = %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });

  it('recognises the systemd-resolved stub', () => {
    expect(usesSystemdResolvedStub('nameserver 127.0.0.53\noptions edns0\n')).toBe(true);
    expect(usesSystemdResolvedStub('nameserver 127.0.0.53\nnameserver 10.0.0.1\n')).toBe(false);
    expect(parseResolvConf('nameserver\n').nameservers).toEqual([]);
  });
});

describe('writeEtcFiles', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'etc-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the three files from the host resolver file', async () => {
    await writeFile(join(dir, 'host-resolv'), 'nameserver 127.0.0.1\nnameserver 192.0.2.1\n');
    const files = await writeEtcFiles(dir, { network: 'none', hostResolvConf: join(dir, 'host-resolv') });
    expect(await readFile(files.hosts, 'utf8')).toBe(hostsFileContent());
    expect(await readFile(files.hostname, 'utf8')).toBe('buildkitsandbox\n');
    expect(await readFile(files.resolvConf, 'utf8')).toBe('nameserver 192.0.2.1\n');
    expect((await stat(files.hosts)).mode & 0o777).toBe(0o644);
  });

  it('follows systemd-resolved to its upstream file, except with host networking', async () => {
    await writeFile(join(dir, 'stub'), 'nameserver 127.0.0.53\n');
    await writeFile(join(dir, 'upstream'), 'nameserver 192.0.2.53\n');
    const common = { hostResolvConf: join(dir, 'stub'), systemdResolvConf: join(dir, 'upstream') };
    const own = await writeEtcFiles(dir, { network: 'none', ...common });
    expect(await readFile(own.resolvConf, 'utf8')).toBe('nameserver 192.0.2.53\n');
    const host = await writeEtcFiles(dir, { network: 'host', ...common });
    expect(await readFile(host.resolvConf, 'utf8')).toBe('nameserver 127.0.0.53\n');
  });
});
