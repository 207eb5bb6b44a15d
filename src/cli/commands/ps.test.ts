import { describe, expect, it } from 'vitest';
import type { ContainerRecord } from '../../container/index.js';
import { formatCommand, formatPorts } from '../../container/index.js';
import { containerRow, containerStatusText } from './ps.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();

const base: ContainerRecord = {
  version: 1,
  id: 'f6ad9a280c7e77d63f597215354546cc59e9e9bb2e9d70ecaf0df933c002dd1e',
  name: 'web',
  image: 'seed003:multi',
  imageId: 'sha256:1',
  imageDigest: 'sha256:2',
  created: ago(5 * 60_000),
  args: ['node', 'app.js'],
  env: [],
  user: '',
  workdir: '/app',
  hostname: 'f6ad9a280c7e',
  network: 'private',
  ports: [{ hostIp: '127.0.0.1', hostPort: 3000, containerPort: 3000, protocol: 'tcp' }],
  exposedPorts: ['3000/tcp', '9229/tcp'],
  volumes: [],
  stopSignal: 'TERM',
  stopTimeout: 10,
  autoRemove: false,
  lowerDirs: [],
  status: 'created',
};

describe('ps STATUS (docker State.String)', () => {
  it.each([
    ['running for 3 s', { status: 'running', startedAt: ago(3000) }, 'Up 3 seconds'],
    ['running just now', { status: 'running', startedAt: ago(200) }, 'Up Less than a second'],
    ['running 90 min', { status: 'running', startedAt: ago(90 * 60_000) }, 'Up 2 hours'],
    ['exited 2 min ago', { status: 'exited', startedAt: ago(600_000), finishedAt: ago(120_000), exitCode: 0 }, 'Exited (0) 2 minutes ago'],
    ['killed', { status: 'exited', startedAt: ago(600_000), finishedAt: ago(1000), exitCode: 137 }, 'Exited (137) 1 second ago'],
    ['never started', { status: 'created' }, 'Created'],
    ['could not start', { status: 'created', exitCode: 127, error: 'exec: not found' }, 'Created'],
  ] as const)('%s', (_, fields, text) => {
    expect(containerStatusText({ ...base, ...fields }, NOW)).toBe(text);
  });
});

describe('ps rows', () => {
  const format = { formatCommand, formatPorts };
  it('shows the short id, image as named, quoted command, created, status, ports while running, name', () => {
    const running: ContainerRecord = { ...base, status: 'running', startedAt: ago(4000) };
    expect(containerRow(running, NOW, true, format)).toEqual([
      'f6ad9a280c7e',
      'seed003:multi',
      '"node app.js"',
      '5 minutes ago',
      'Up 4 seconds',
      '127.0.0.1:3000->3000/tcp, 9229/tcp',
      'web',
    ]);
    const exited: ContainerRecord = { ...running, status: 'exited', finishedAt: ago(1000), exitCode: 0 };
    expect(containerRow(exited, NOW, false, format)).toEqual([base.id, 'seed003:multi', '"node app.js"', '5 minutes ago', 'Exited (0) 1 second ago', '', 'web']);
  });
});
