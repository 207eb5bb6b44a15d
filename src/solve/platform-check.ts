import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { formatPlatform, parsePlatform } from '../oci/index.js';
import type { Platform } from '../oci/index.js';
import type { BuildPlan } from '../plan/index.js';

/** Where the kernel lists its binfmt_misc handlers. */
export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

/** One binfmt_misc handler, as `/proc/sys/fs/binfmt_misc/NAME` describes it (magic-matching ones only). */
export interface BinfmtEntry {
  readonly name: string;
  readonly enabled: boolean;
  readonly interpreter: string;
  /** Letters: P (preserve argv0), O (open binary), C (credentials), F (fix binary: opened when registered). */
  readonly flags: string;
  readonly offset: number;
  readonly magic: Uint8Array;
  readonly mask: Uint8Array | undefined;
}

/** Parses one handler file; undefined for extension-matching handlers and for text that is not one. */
export function parseBinfmtEntry(name: string, text: string): BinfmtEntry | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  const field = (key: string): string | undefined => {
    const line = lines.find((l) => l.startsWith(`${key} `) || l.startsWith(`${key}:`));
    return line?.slice(key.length + 1).trim();
  };
  const magic = field('magic');
  if (magic === undefined || !/^([0-9a-f]{2})+$/i.test(magic)) return undefined;
  const mask = field('mask');
  return {
    name,
    enabled: lines[0] === 'enabled',
    interpreter: field('interpreter') ?? '',
    flags: field('flags') ?? '',
    offset: Number(field('offset') ?? '0') || 0,
    magic: Buffer.from(magic, 'hex'),
    mask: mask !== undefined && /^([0-9a-f]{2})+$/i.test(mask) ? Buffer.from(mask, 'hex') : undefined,
  };
}

/** ELF class (1: 32-bit, 2: 64-bit), byte order (1: little, 2: big) and e_machine of each architecture. */
const ELF_MACHINES: Readonly<Record<string, readonly [number, number, number]>> = {
  amd64: [2, 1, 0x3e],
  '386': [1, 1, 0x03],
  arm64: [2, 1, 0xb7],
  arm: [1, 1, 0x28],
  ppc64le: [2, 1, 0x15],
  ppc64: [2, 2, 0x15],
  s390x: [2, 2, 0x16],
  riscv64: [2, 1, 0xf3],
  mips64le: [2, 1, 0x08],
  mips64: [2, 2, 0x08],
  mipsle: [1, 1, 0x08],
  mips: [1, 2, 0x08],
  loong64: [2, 1, 0x102],
};

/**
 * The first 20 bytes of a Linux ELF program for `architecture` (identification, e_type, e_machine),
 * as an executable (e_type 2) or position-independent one (3); undefined for an unknown architecture.
 */
export function elfHeader(architecture: string, type: 2 | 3): Uint8Array | undefined {
  const machine = ELF_MACHINES[architecture];
  if (machine === undefined) return undefined;
  const [elfClass, order, eMachine] = machine;
  const header = Buffer.alloc(20);
  header.set([0x7f, 0x45, 0x4c, 0x46, elfClass, order, 1], 0);
  const little = order === 1;
  if (little) {
    header.writeUInt16LE(type, 16);
    header.writeUInt16LE(eMachine, 18);
  } else {
    header.writeUInt16BE(type, 16);
    header.writeUInt16BE(eMachine, 18);
  }
  return header;
}

/** Whether a handler's magic (under its mask, at its offset) matches `header`. */
export function binfmtMatches(entry: BinfmtEntry, header: Uint8Array): boolean {
  if (entry.offset + entry.magic.length > header.length) return false;
  for (let i = 0; i < entry.magic.length; i++) {
    const mask = entry.mask?.[i] ?? 0xff;
    if (((header[entry.offset + i] ?? 0) & mask) !== ((entry.magic[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** The architectures a host runs without emulation: its own, and 32-bit x86 on amd64. */
export function nativeArchitectures(host: Platform): string[] {
  return host.architecture === 'amd64' ? ['amd64', '386'] : [host.architecture];
}

export type PlatformSupport =
  | { readonly kind: 'native' }
  | { readonly kind: 'emulated'; readonly handler: string; readonly interpreter: string }
  | { readonly kind: 'unsupported'; readonly reason: string };

/**
 * Whether RUN steps for `platform` can run on `host`: natively, through an enabled binfmt_misc
 * handler with the F flag (its interpreter is opened when registered, so it works inside the
 * container's root), or not at all (with the reason).
 */
export function platformSupport(platform: Platform, host: Platform, handlers: readonly BinfmtEntry[]): PlatformSupport {
  if (platform.os !== host.os) return { kind: 'unsupported', reason: `this machine runs ${host.os}, not ${platform.os}` };
  if (nativeArchitectures(host).includes(platform.architecture)) return { kind: 'native' };
  const headers = [elfHeader(platform.architecture, 2), elfHeader(platform.architecture, 3)];
  if (headers[0] === undefined || headers[1] === undefined) {
    return { kind: 'unsupported', reason: `stagecraft does not know the program format of ${platform.architecture}` };
  }
  const matching = handlers.filter((h) => headers.every((header) => header !== undefined && binfmtMatches(h, header)));
  const usable = matching.find((h) => h.enabled && h.flags.includes('F'));
  if (usable !== undefined) return { kind: 'emulated', handler: usable.name, interpreter: usable.interpreter };
  const enabled = matching.find((h) => h.enabled);
  if (enabled !== undefined) {
    return { kind: 'unsupported', reason: `binfmt_misc handler ${enabled.name} is registered without the F (fix binary) flag, so its interpreter cannot be found inside the build container` };
  }
  if (matching.length > 0) return { kind: 'unsupported', reason: `binfmt_misc handler ${matching[0]?.name ?? ''} is disabled` };
  return { kind: 'unsupported', reason: 'no binfmt_misc emulation is registered for it' };
}

/** The enabled binfmt_misc handlers of this machine (none when binfmt_misc is off or not mounted). */
export async function readBinfmtEntries(dir: string = BINFMT_DIR): Promise<BinfmtEntry[]> {
  let names: string[];
  try {
    if ((await readFile(join(dir, 'status'), 'utf8')).trim() !== 'enabled') return [];
    names = await readdir(dir);
  } catch {
    return [];
  }
  const entries = await Promise.all(
    names
      .filter((name) => name !== 'status' && name !== 'register')
      .map(async (name) => parseBinfmtEntry(name, await readFile(join(dir, name), 'utf8').catch(() => ''))),
  );
  return entries.filter((e): e is BinfmtEntry => e !== undefined);
}

/** The Debian name of QEMU's user-mode emulator for an architecture (qemu-aarch64 for arm64). */
function qemuName(architecture: string): string {
  const names: Readonly<Record<string, string>> = { arm64: 'aarch64', amd64: 'x86_64', '386': 'i386', ppc64le: 'ppc64le', loong64: 'loongarch64' };
  return `qemu-${names[architecture] ?? architecture}`;
}

/**
 * Checks, before anything runs, that every needed stage with a RUN step builds for a platform this
 * machine can run: natively or through binfmt_misc emulation. Stages that only copy files need
 * none. The first one that cannot is an UNSUPPORTED_PLATFORM error at its first RUN line.
 */
export function checkPlatforms(plan: BuildPlan, options: { readonly host: Platform; readonly handlers: readonly BinfmtEntry[]; readonly file?: string }): void {
  for (const stage of plan.stages) {
    if (!stage.needed) continue;
    const run = stage.steps.find((step) => step.instruction.kind === 'run');
    const platform = parsePlatform(stage.platform);
    if (run === undefined || platform === undefined) continue;
    const support = platformSupport(platform, options.host, options.handlers);
    if (support.kind !== 'unsupported') continue;
    const wanted = formatPlatform(platform);
    const qemu = qemuName(platform.architecture);
    throw new BuildError('UNSUPPORTED_PLATFORM', `cannot run RUN steps for ${wanted} on this ${formatPlatform(options.host)} machine: ${support.reason}`, {
      locations: [run.range],
      ...(options.file !== undefined ? { file: options.file } : {}),
      hint:
        platform.os === options.host.os
          ? `enable emulation for ${wanted} (as root: apt-get install qemu-user-static binfmt-support; then ${BINFMT_DIR}/${qemu} must say "enabled" with flags including F), or build for ${formatPlatform(options.host)}`
          : `build for ${formatPlatform(options.host)}, or build on a ${platform.os} machine`,
      details: { platform: wanted, host: formatPlatform(options.host) },
    });
  }
}
