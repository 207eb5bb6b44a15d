import { describe, expect, it } from 'vitest';
import { formatPorts, parsePublish, parsePublishList } from './ports.js';

const tcp = (hostPort: number, containerPort: number) => ({ hostIp: '127.0.0.1', hostPort, containerPort, protocol: 'tcp' });

describe('parsePublish', () => {
  it.each([
    ['3000:3000', [tcp(3000, 3000)]],
    ['8080:80/tcp', [tcp(8080, 80)]],
    ['127.0.0.1:8080:80', [tcp(8080, 80)]],
    ['localhost:8080:80', [tcp(8080, 80)]],
    ['127.0.0.1::80', [tcp(0, 80)]],
    ['80', [tcp(0, 80)]],
    ['53:53/udp', [{ hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, protocol: 'udp' }]],
    ['53:53/UDP', [{ hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, protocol: 'udp' }]],
    ['8000-8001:80-81', [tcp(8000, 80), tcp(8001, 81)]],
    ['80-81', [tcp(0, 80), tcp(0, 81)]],
  ])('%s', (spec, expected) => {
    expect(parsePublish(spec)).toEqual(expected);
  });

  it.each([
    ['0.0.0.0:80:80', /only binds published ports on 127\.0\.0\.1/],
    ['10.0.0.1:80:80', /cannot publish on 10\.0\.0\.1/],
    ['80:80/sctp', /invalid proto: sctp/],
    ['x:80', /invalid hostPort: x/],
    ['80:y', /invalid containerPort: y/],
    ['80:0', /invalid containerPort: 0/],
    ['80:70000', /invalid containerPort: 70000/],
    ['8000-8002:80-81', /invalid ranges/],
    ['1:2:3:4', /invalid port specification/],
    ['80:', /no port specified/],
  ])('refuses %s', (spec, message) => {
    expect(() => parsePublish(spec)).toThrow(message);
  });

  it('refuses the same host port twice, but not twice "any"', () => {
    expect(() => parsePublishList(['80:80', '80:81'])).toThrow(/host port 80\/tcp is published twice/);
    expect(parsePublishList(['80:80', '80:80/udp', '81', '82'])).toHaveLength(4);
  });
});

describe('formatPorts (the PORTS column)', () => {
  it.each([
    [[], [], ''],
    [[tcp(3000, 3000)], ['3000/tcp'], '127.0.0.1:3000->3000/tcp'],
    [[tcp(8080, 80)], ['443/tcp', '80/tcp', '53/udp'], '127.0.0.1:8080->80/tcp, 53/udp, 443/tcp'],
    [[tcp(9001, 81), tcp(9000, 80)], [], '127.0.0.1:9000->80/tcp, 127.0.0.1:9001->81/tcp'],
    [[], ['8080'], '8080/tcp'],
  ] as const)('%j %j', (ports, exposed, text) => {
    expect(formatPorts(ports.map((p) => ({ ...p, protocol: p.protocol as 'tcp' })), exposed)).toBe(text);
  });
});
