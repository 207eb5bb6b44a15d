import { describe, expect, it } from 'vitest';
import type { OciMount } from './oci-spec.js';
import { buildRuntimeSpec, normalizeEnv } from './spec.js';
import type { RuntimeSpecInput } from './spec.js';

const base: RuntimeSpecInput = {
  args: ['/bin/sh', '-c', 'npm test'],
  env: ['NODE_ENV=production'],
  cwd: '/app',
  user: { uid: 0, gid: 0 },
  rootfs: '/var/lib/stagecraft/snapshots/x/merged',
  network: 'none',
  etcFiles: { hosts: '/tmp/s/hosts', resolvConf: '/tmp/s/resolv.conf' },
};

const spec = (over: Partial<RuntimeSpecInput> = {}) => buildRuntimeSpec({ ...base, ...over });
const mount = (mounts: readonly OciMount[], destination: string) => mounts.find((m) => m.destination === destination);
const destinations = (mounts: readonly OciMount[]) => mounts.map((m) => m.destination);

describe('buildRuntimeSpec: process', () => {
  it('carries args, cwd, no terminal, new privileges allowed, NOFILE 1048576', () => {
    const s = spec();
    expect(s.ociVersion).toMatch(/^1\.0\./);
    expect(s.process.args).toEqual(['/bin/sh', '-c', 'npm test']);
    expect(s.process.cwd).toBe('/app');
    expect(s.process.terminal).toBe(false);
    expect(s.process.noNewPrivileges).toBe(false);
    expect(s.process.rlimits).toEqual([{ type: 'RLIMIT_NOFILE', hard: 1048576, soft: 1048576 }]);
    expect(s.root).toEqual({ path: base.rootfs, readonly: false });
    expect(spec({ rootfsReadonly: true }).root.readonly).toBe(true);
  });

  it.each([
    { user: { uid: 0, gid: 0 }, gids: [0] },
    { user: { uid: 1000, gid: 1000 }, gids: [1000] },
    { user: { uid: 1000, gid: 1000, additionalGids: [27, 100] }, gids: [1000, 27, 100] },
    { user: { uid: 1000, gid: 100, additionalGids: [27, 100] }, gids: [27, 100] },
  ])('user $user → additionalGids $gids (primary gid first unless listed)', ({ user, gids }) => {
    const s = spec({ user });
    expect(s.process.user).toEqual({ uid: user.uid, gid: user.gid, additionalGids: gids });
  });

  it('uses the sandbox host name unless given one', () => {
    expect(spec().hostname).toBe('buildkitsandbox');
    expect(spec({ hostname: 'builder' }).hostname).toBe('builder');
  });
});

describe('normalizeEnv', () => {
  const path = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  it.each([
    { env: [], out: [path] },
    { env: ['A=1'], out: ['A=1', path] },
    { env: ['PATH=/opt/bin', 'A=1'], out: ['PATH=/opt/bin', 'A=1'] },
    { env: ['A=1', 'B=2', 'A=3'], out: ['A=3', 'B=2', path] },
    { env: ['NOVALUE', 'E='], out: ['E=', path] },
    { env: ['=x', 'X=a=b'], out: ['X=a=b', path] },
    { env: ['PATHX=1'], out: ['PATHX=1', path] },
  ])('$env → $out', ({ env, out }) => {
    expect(normalizeEnv(env)).toEqual(out);
    expect(spec({ env }).process.env).toEqual(out);
  });
});

describe('buildRuntimeSpec: namespaces', () => {
  it.each([
    { network: 'none' as const, cgroupNamespace: false, types: ['pid', 'ipc', 'uts', 'mount', 'network'] },
    { network: 'host' as const, cgroupNamespace: false, types: ['pid', 'ipc', 'uts', 'mount'] },
    { network: 'none' as const, cgroupNamespace: true, types: ['pid', 'ipc', 'uts', 'mount', 'network', 'cgroup'] },
  ])('network $network, cgroupns $cgroupNamespace → $types', ({ network, cgroupNamespace, types }) => {
    const s = spec({ network, cgroupNamespace });
    expect(s.linux.namespaces.map((n) => n.type)).toEqual(types);
    expect(s.linux.namespaces.every((n) => n.path === undefined)).toBe(true);
  });
});

describe('buildRuntimeSpec: mounts', () => {
  it('mounts the standard file systems, then the /etc binds and cgroup, in that order', () => {
    const s = spec();
    expect(destinations(s.mounts)).toEqual([
      '/proc',
      '/dev',
      '/dev/pts',
      '/dev/shm',
      '/dev/mqueue',
      '/sys',
      '/etc/resolv.conf',
      '/etc/hosts',
      '/sys/fs/cgroup',
    ]);
    expect(mount(s.mounts, '/run')).toBeUndefined();
  });

  it.each([
    ['/proc', 'proc', 'proc', ['nosuid', 'noexec', 'nodev']],
    ['/dev', 'tmpfs', 'tmpfs', ['nosuid', 'strictatime', 'mode=755', 'size=65536k']],
    ['/dev/pts', 'devpts', 'devpts', ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']],
    ['/dev/shm', 'tmpfs', 'shm', ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k']],
    ['/dev/mqueue', 'mqueue', 'mqueue', ['nosuid', 'noexec', 'nodev']],
    ['/sys', 'sysfs', 'sysfs', ['nosuid', 'noexec', 'nodev', 'ro']],
    ['/etc/resolv.conf', 'bind', '/tmp/s/resolv.conf', ['nosuid', 'noexec', 'nodev', 'rbind', 'ro']],
    ['/etc/hosts', 'bind', '/tmp/s/hosts', ['nosuid', 'noexec', 'nodev', 'rbind', 'ro']],
    ['/sys/fs/cgroup', 'cgroup', 'cgroup', ['ro', 'nosuid', 'noexec', 'nodev']],
  ])('sandbox %s: %s from %s with %j', (destination, type, source, options) => {
    expect(mount(spec().mounts, destination)).toEqual({ destination, type, source, options });
  });

  it('binds /etc/hostname only when given a file for it', () => {
    expect(mount(spec().mounts, '/etc/hostname')).toBeUndefined();
    const s = spec({ etcFiles: { ...base.etcFiles, hostname: '/tmp/s/hostname' } });
    expect(mount(s.mounts, '/etc/hostname')).toEqual({
      destination: '/etc/hostname',
      type: 'bind',
      source: '/tmp/s/hostname',
      options: ['nosuid', 'noexec', 'nodev', 'rbind', 'ro'],
    });
  });

  it.each([
    {
      input: { type: 'bind' as const, source: '/ctx', destination: '/src', options: ['ro'] },
      out: { destination: '/src', type: 'bind', source: '/ctx', options: ['rbind', 'ro'] },
    },
    {
      input: { type: 'bind' as const, source: '/c', destination: '/c', options: ['bind', 'rw'] },
      out: { destination: '/c', type: 'bind', source: '/c', options: ['bind', 'rw'] },
    },
    {
      input: { type: 'bind' as const, source: '/c', destination: '/c' },
      out: { destination: '/c', type: 'bind', source: '/c', options: ['rbind'] },
    },
    {
      input: { type: 'tmpfs' as const, destination: '/tmp/t', size: 1048576 },
      out: { destination: '/tmp/t', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'size=1048576'] },
    },
    {
      input: { type: 'tmpfs' as const, destination: '/cache', readonly: true },
      out: { destination: '/cache', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'ro'] },
    },
  ])('extra mount $input.destination is appended as $out.options', ({ input, out }) => {
    const s = spec({ mounts: [input] });
    expect(s.mounts.at(-1)).toEqual(out);
  });

  it('a later mount on the same destination replaces the earlier one in place', () => {
    const s = spec({ mounts: [{ type: 'bind', source: '/my/hosts', destination: '/etc/hosts', options: ['ro'] }] });
    const list = destinations(s.mounts);
    expect(list.filter((d) => d === '/etc/hosts')).toHaveLength(1);
    expect(list.indexOf('/etc/hosts')).toBe(7);
    expect(mount(s.mounts, '/etc/hosts')?.source).toBe('/my/hosts');
  });
});

describe('buildRuntimeSpec: security', () => {
  const defaultCaps = [
    'CAP_CHOWN',
    'CAP_DAC_OVERRIDE',
    'CAP_FSETID',
    'CAP_FOWNER',
    'CAP_MKNOD',
    'CAP_NET_RAW',
    'CAP_SETGID',
    'CAP_SETUID',
    'CAP_SETFCAP',
    'CAP_SETPCAP',
    'CAP_NET_BIND_SERVICE',
    'CAP_SYS_CHROOT',
    'CAP_KILL',
    'CAP_AUDIT_WRITE',
  ];

  it('sandbox: docker default capabilities, masked and read-only paths, devices denied', () => {
    const s = spec();
    expect(s.process.capabilities).toEqual({ bounding: defaultCaps, effective: defaultCaps, permitted: defaultCaps });
    expect(s.linux.maskedPaths).toEqual([
      '/proc/acpi',
      '/proc/asound',
      '/proc/kcore',
      '/proc/keys',
      '/proc/latency_stats',
      '/proc/timer_list',
      '/proc/timer_stats',
      '/proc/sched_debug',
      '/sys/firmware',
      '/sys/devices/virtual/powercap',
      '/proc/scsi',
    ]);
    expect(s.linux.readonlyPaths).toEqual(['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
    expect(s.linux.resources.devices).toEqual([{ allow: false, access: 'rwm' }]);
    expect(s.linux.devices).toBeUndefined();
    expect(s.process.capabilities.bounding).not.toContain('CAP_SYS_ADMIN');
  });

  it('insecure: every capability in every set, nothing masked, devices allowed, sysfs and cgroup writable', () => {
    const s = spec({ security: 'insecure' });
    const caps = s.process.capabilities;
    expect(caps.bounding).toHaveLength(41);
    expect(new Set(caps.bounding).size).toBe(41);
    for (const set of [caps.effective, caps.permitted, caps.inheritable, caps.ambient]) expect(set).toEqual(caps.bounding);
    expect(caps.bounding).toEqual(expect.arrayContaining([...defaultCaps, 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'CAP_CHECKPOINT_RESTORE']));
    expect(s.linux.maskedPaths).toEqual([]);
    expect(s.linux.readonlyPaths).toEqual([]);
    expect(s.linux.resources.devices).toEqual([
      { allow: true, type: 'c', access: 'rwm' },
      { allow: true, type: 'b', access: 'rwm' },
    ]);
    expect(s.linux.devices?.map((d) => d.path)).toEqual(expect.arrayContaining(['/dev/fuse', '/dev/net/tun', '/dev/loop0', '/dev/loop7']));
    expect(mount(s.mounts, '/sys')?.options).toEqual(['nosuid', 'noexec', 'nodev', 'rw']);
    expect(mount(s.mounts, '/sys/fs/cgroup')?.options).toEqual(['rw', 'nosuid', 'noexec', 'nodev']);
    expect(mount(s.mounts, '/etc/hosts')?.options).toContain('ro');
  });

  it('sets cgroupsPath only when asked', () => {
    expect(spec().linux.cgroupsPath).toBeUndefined();
    expect(spec({ cgroupsPath: '/stagecraft/x' }).linux.cgroupsPath).toBe('/stagecraft/x');
  });

  it('is plain JSON (round-trips unchanged)', () => {
    const s = spec({ security: 'insecure', mounts: [{ type: 'tmpfs', destination: '/t' }] });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
