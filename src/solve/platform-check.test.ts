import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStages } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import { BuildError } from '../errors/index.js';
import type { Platform } from '../oci/index.js';
import { planBuild } from '../plan/index.js';
import { binfmtMatches, checkPlatforms, elfHeader, parseBinfmtEntry, platformSupport, readBinfmtEntries } from './platform-check.js';
import type { BinfmtEntry } from './platform-check.js';

const host: Platform = { os: 'linux', architecture: 'amd64' };
const arm64: Platform = { os: 'linux', architecture: 'arm64' };

/** Handler files as QEMU's binfmt registration writes them (magic and mask from qemu-binfmt-conf.sh). */
const AARCH64 = [
  'enabled',
  'interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P',
  'flags: POCF',
  'offset 0',
  'magic 7f454c460201010000000000000000000200b700',
  'mask ffffffffffffff00fffffffffffffffffeffffff',
  '',
].join('\n');
const ARM = AARCH64.replace('aarch64-binfmt-P', 'arm-binfmt-P').replace('0201010000000000000000000200b700', '010101000000000000000000020028' + '00');

function entry(text: string, name = 'qemu-aarch64'): BinfmtEntry {
  const parsed = parseBinfmtEntry(name, text);
  if (parsed === undefined) throw new Error('fixture did not parse');
  return parsed;
}

describe('parseBinfmtEntry', () => {
  it('reads the state, interpreter, flags, offset, magic and mask', () => {
    const e = entry(AARCH64);
    expect(e).toMatchObject({ name: 'qemu-aarch64', enabled: true, interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P', flags: 'POCF', offset: 0 });
    expect(Buffer.from(e.magic).toString('hex')).toBe('7f454c460201010000000000000000000200b700');
    expect(Buffer.from(e.mask ?? []).toString('hex')).toBe('ffffffffffffff00fffffffffffffffffeffffff');
  });

  it.each([
    { name: 'an extension handler', text: 'enabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n' },
    { name: 'garbage', text: 'hello\n' },
  ])('skips $name', ({ text }) => {
    expect(parseBinfmtEntry('x', text)).toBeUndefined();
  });
});

describe('elfHeader and binfmtMatches', () => {
  it.each([
    { arch: 'arm64', handler: AARCH64, matches: true },
    { arch: 'amd64', handler: AARCH64, matches: false },
    { arch: 'arm', handler: AARCH64, matches: false },
    { arch: 'riscv64', handler: AARCH64, matches: false },
  ])('the aarch64 handler matches $arch programs: $matches', ({ arch, handler, matches }) => {
    for (const type of [2, 3] as const) {
      const header = elfHeader(arch, type);
      expect(header).toBeDefined();
      if (header !== undefined) expect(binfmtMatches(entry(handler), header)).toBe(matches);
    }
  });

  it('writes big-endian machines big-endian', () => {
    expect(Buffer.from(elfHeader('s390x', 2) ?? []).toString('hex')).toBe('7f454c460202010000000000000000000002' + '0016');
    expect(elfHeader('vax', 2)).toBeUndefined();
  });
});

describe('platformSupport', () => {
  it.each([
    { name: 'the host platform', platform: host, handlers: [] as string[], kind: 'native', reason: undefined },
    { name: '386 on amd64', platform: { os: 'linux', architecture: '386' }, handlers: [], kind: 'native', reason: undefined },
    { name: 'arm64 without handlers', platform: arm64, handlers: [], kind: 'unsupported', reason: 'no binfmt_misc emulation' },
    { name: 'arm64 with the qemu handler', platform: arm64, handlers: [AARCH64], kind: 'emulated', reason: undefined },
    { name: 'arm64 with only an arm handler', platform: arm64, handlers: [ARM], kind: 'unsupported', reason: 'no binfmt_misc emulation' },
    { name: 'arm64 with a disabled handler', platform: arm64, handlers: [AARCH64.replace('enabled', 'disabled')], kind: 'unsupported', reason: 'is disabled' },
    { name: 'arm64 with a handler without F', platform: arm64, handlers: [AARCH64.replace('POCF', 'POC')], kind: 'unsupported', reason: 'without the F (fix binary) flag' },
    { name: 'another os', platform: { os: 'windows', architecture: 'amd64' }, handlers: [], kind: 'unsupported', reason: 'not windows' },
  ])('$name: $kind', ({ platform, handlers, kind, reason }) => {
    const support = platformSupport(platform, host, handlers.map((h) => entry(h)));
    expect(support.kind).toBe(kind);
    if (reason !== undefined) expect(support.kind === 'unsupported' && support.reason).toContain(reason);
    if (support.kind === 'emulated') expect(support).toEqual({ kind: 'emulated', handler: 'qemu-aarch64', interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P' });
  });
});

describe('checkPlatforms', () => {
  function check(text: string, platform: Platform, handlers: readonly string[] = []): BuildError | undefined {
    const plan = planBuild(parseStages(parseDockerfile(text)), { hostPlatform: host, platform });
    try {
      checkPlatforms(plan, { host, handlers: handlers.map((h) => entry(h)), file: 'Dockerfile' });
      return undefined;
    } catch (err) {
      if (err instanceof BuildError) return err;
      throw err;
    }
  }

  it('a foreign target with a RUN step and no emulation is an error at the RUN line naming the platform and the remedy', () => {
    const err = check('FROM debian:bookworm-slim\nCOPY a /a\nRUN uname -m\n', arm64);
    expect(err?.code).toBe('UNSUPPORTED_PLATFORM');
    expect(err?.message).toContain('linux/arm64');
    expect(err?.message).toContain('linux/amd64');
    expect(err?.locations[0]?.start.line).toBe(3);
    expect(err?.hint).toContain('qemu-user-static');
    expect(err?.hint).toContain('/proc/sys/fs/binfmt_misc/qemu-aarch64');
  });

  it.each([
    { name: 'registered emulation', text: 'FROM debian:bookworm-slim\nRUN uname -m\n', handlers: [AARCH64] },
    { name: 'a stage that only copies', text: 'FROM debian:bookworm-slim\nCOPY a /a\n', handlers: [] },
    { name: 'RUN in a FROM --platform=$BUILDPLATFORM stage', text: 'FROM --platform=$BUILDPLATFORM debian:bookworm-slim\nRUN uname -m\n', handlers: [] },
    { name: 'a foreign stage the target does not need', text: 'FROM --platform=linux/riscv64 debian AS other\nRUN true\nFROM --platform=$BUILDPLATFORM debian\nRUN true\n', handlers: [] },
  ])('no error for $name', ({ text, handlers }) => {
    expect(check(text, arm64, handlers)).toBeUndefined();
  });
});

describe('readBinfmtEntries', () => {
  it('reads the handlers of a binfmt_misc directory, none when its status is disabled or it is absent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stagecraft-binfmt-'));
    try {
      await writeFile(join(dir, 'status'), 'enabled\n');
      await writeFile(join(dir, 'register'), '');
      await writeFile(join(dir, 'qemu-aarch64'), AARCH64);
      await writeFile(join(dir, 'wine'), 'enabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n');
      expect((await readBinfmtEntries(dir)).map((e) => e.name)).toEqual(['qemu-aarch64']);
      await writeFile(join(dir, 'status'), 'disabled\n');
      expect(await readBinfmtEntries(dir)).toEqual([]);
      expect(await readBinfmtEntries(join(dir, 'missing'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
