/**
 * The defaults a BuildKit RUN container gets (BuildKit builds its spec on containerd's default Unix
 * spec, which matches docker's): facts gathered from containerd's pkg/oci and BuildKit's
 * executor/oci, restated here as data.
 */
import type { OciDevice, OciMount } from './oci-spec.js';

/** The PATH BuildKit adds to a RUN step whose environment has none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The host name RUN steps see (BuildKit's sandbox name, which build scripts may observe). */
export const DEFAULT_HOSTNAME = 'buildkitsandbox';

/** Docker's and containerd's default capability set (14 capabilities). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
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

/** Every capability Linux defines (numbers 0 to 40, as of Linux 5.9), in kernel order. */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** Paths hidden from the container (bind-mounted over with /dev/null or an empty tmpfs). */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
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
];

/** Paths remounted read-only inside the container. */
export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/** Open files limit of a RUN process (soft = hard). */
export const DEFAULT_NOFILE = 1048576;

/** Options of the read-only binds for the generated /etc files. */
export const ETC_BIND_OPTIONS: readonly string[] = ['nosuid', 'noexec', 'nodev', 'rbind', 'ro'];

/**
 * The standard file systems, in mount order. /run is not among them: BuildKit drops containerd's
 * /run tmpfs so that what a RUN step writes there lands in the layer.
 */
export const STANDARD_MOUNTS: readonly OciMount[] = [
  { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
  {
    destination: '/dev/pts',
    type: 'devpts',
    source: 'devpts',
    options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
  },
  { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
  { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
];

/** The cgroup file system, mounted after the /etc binds. */
export const CGROUP_MOUNT: OciMount = {
  destination: '/sys/fs/cgroup',
  type: 'cgroup',
  source: 'cgroup',
  options: ['ro', 'nosuid', 'noexec', 'nodev'],
};

/**
 * Extra device nodes an insecure RUN step gets (BuildKit's list: kmsg, cuse, fuse, kvm, tun,
 * loop-control and loop devices). BuildKit adds loop devices up to the first free one + 7; with no
 * loop device in use that is loop0..loop7, which is what a pure function can promise.
 */
export const INSECURE_DEVICES: readonly OciDevice[] = [
  { path: '/dev/kmsg', type: 'c', major: 1, minor: 11 },
  { path: '/dev/cuse', type: 'c', major: 10, minor: 203 },
  { path: '/dev/fuse', type: 'c', major: 10, minor: 229 },
  { path: '/dev/kvm', type: 'c', major: 10, minor: 232 },
  { path: '/dev/net/tun', type: 'c', major: 10, minor: 200 },
  { path: '/dev/loop-control', type: 'c', major: 10, minor: 237 },
  ...Array.from({ length: 8 }, (_, i): OciDevice => ({ path: `/dev/loop${String(i)}`, type: 'b', major: 7, minor: i })),
];
