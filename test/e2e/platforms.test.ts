import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDebianMirror } from '../../src/bootstrap/index.js';
import { isBuildError } from '../../src/errors/index.js';
import { importRootfs } from '../../src/export/index.js';
import type { Platform } from '../../src/oci/index.js';
import { platformSupport, readBinfmtEntries } from '../../src/solve/platform-check.js';
import { buildIn, e2eStore, withImageFiles } from './support/build-driver.js';
import { e2eRoot, e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const run = promisify(execFile);

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end platform tests skipped: ${reason}`);

const HOST: Platform = { os: 'linux', architecture: 'amd64' };
const onAmd64 = process.arch === 'x64';

/** A foreign platform this machine has no emulation for (undefined when it can emulate them all). */
const handlers = await readBinfmtEntries();
const ARM64: Platform = { os: 'linux', architecture: 'arm64' };
const arm64Emulated = platformSupport(ARM64, HOST, handlers).kind === 'emulated';
const unemulated = ['arm64', 'riscv64', 's390x', 'ppc64le', 'mips64le', 'loong64']
  .map((architecture): Platform => ({ os: 'linux', architecture }))
  .find((p) => platformSupport(p, HOST, handlers).kind === 'unsupported');

const ARG_NAMES = ['TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT'];

/** Lines that write every automatic platform ARG (declared first, as a stage must) into `file`. */
function writeArgs(file: string): string[] {
  return [...ARG_NAMES.map((name) => `ARG ${name}`), `RUN printf '%s\\n' ${ARG_NAMES.map((n) => `"${n}=$${n}"`).join(' ')} > ${file}`];
}

/** A Debian minbase image for linux/arm64 in the e2e store: debootstrap'd once per machine, through the emulation. */
const ARM64_IMAGE = 'stagecraft-e2e/debian-arm64:bookworm';

async function ensureArm64Image(): Promise<void> {
  const store = await e2eStore();
  const found = await store.getImage(ARM64_IMAGE).then(
    () => true,
    (err: unknown) => {
      if (isBuildError(err) && err.code === 'IMAGE_NOT_FOUND') return false;
      throw err;
    },
  );
  if (found) return;
  const mirror = await findDebianMirror();
  if (mirror === undefined) throw new Error('no Debian mirror in /etc/apt');
  await mkdir(e2eRoot(), { recursive: true });
  const work = await mkdtemp(join(e2eRoot(), 'arm64-'));
  try {
    const tree = join(work, 'tree');
    await run('debootstrap', ['--arch=arm64', '--variant=minbase', mirror.suite, tree, mirror.uri], { maxBuffer: 64 * 1024 * 1024 });
    await run('sh', ['-c', 'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*', 'sh', tree]);
    await run('tar', ['--numeric-owner', '-C', tree, '-cf', join(work, 'rootfs.tar'), '.']);
    const image = await importRootfs(join(work, 'rootfs.tar'), { platform: ARM64, message: 'debootstrap --arch=arm64 --variant=minbase' });
    await store.putImage(image, { tags: [ARM64_IMAGE] });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function parseArgs(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe.skipIf(reason !== undefined || !onAmd64)('platforms end to end (on linux/amd64)', () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await ensureBaseImages(['debian:bookworm-slim']);
  }, 1_800_000);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function context(dockerfile: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-platform-'));
    dirs.push(dir);
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    return dir;
  }

  it('the automatic ARGs name the host platform; a stage sees them only after ARG; the config says linux/amd64', { timeout: 120_000 }, async () => {
    const dir = await context(
      ['FROM debian:bookworm-slim', `RUN echo "before=$TARGETARCH" > /before # ${String(Date.now())}`, ...writeArgs('/args'), ''].join('\n'),
    );
    const { result } = await buildIn(dir);
    const files = await withImageFiles(result, async (rootfs) => ({
      before: await readFile(join(rootfs, 'before'), 'utf8'),
      args: parseArgs(await readFile(join(rootfs, 'args'), 'utf8')),
    }));
    expect(files.before).toBe('before=\n');
    expect(files.args).toEqual({
      TARGETPLATFORM: 'linux/amd64',
      TARGETOS: 'linux',
      TARGETARCH: 'amd64',
      TARGETVARIANT: '',
      BUILDPLATFORM: 'linux/amd64',
      BUILDOS: 'linux',
      BUILDARCH: 'amd64',
      BUILDVARIANT: '',
    });
    const config = await result.image.config();
    expect([config.os, config.architecture, config.variant]).toEqual(['linux', 'amd64', undefined]);
  });

  it('cross-building: FROM --platform=$BUILDPLATFORM runs here for --platform linux/arm64; the images are labelled arm64', { timeout: 180_000 }, async () => {
    const dir = await context(
      [
        'FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS build',
        ...writeArgs('/out/args').map((line) => (line.startsWith('RUN') ? `RUN mkdir /out && uname -m > /out/machine && ${line.slice(4)}` : line)),
        'FROM scratch',
        'COPY --from=build /out/ /',
        '',
      ].join('\n'),
    );
    const { result } = await buildIn(dir, { platform: { os: 'linux', architecture: 'arm64' } });
    const files = await withImageFiles(result, async (rootfs) => ({
      machine: (await readFile(join(rootfs, 'machine'), 'utf8')).trim(),
      args: parseArgs(await readFile(join(rootfs, 'args'), 'utf8')),
    }));
    expect(files.machine).toBe('x86_64');
    expect(files.args).toMatchObject({ TARGETPLATFORM: 'linux/arm64', TARGETARCH: 'arm64', BUILDPLATFORM: 'linux/amd64', BUILDARCH: 'amd64' });
    const config = await result.image.config();
    expect([config.os, config.architecture]).toEqual(['linux', 'arm64']);

    // the build stage as the target: its base is amd64, the image is labelled for the platform asked for
    const stage = await buildIn(dir, { platform: { os: 'linux', architecture: 'arm64' }, target: 'build' });
    const stageConfig = await stage.result.image.config();
    expect([stageConfig.os, stageConfig.architecture]).toEqual(['linux', 'arm64']);
  });

  it.skipIf(!arm64Emulated)('with binfmt emulation registered for linux/arm64, its RUN steps run through it', { timeout: 1_800_000 }, async () => {
    await ensureArm64Image();
    const dir = await context(
      [`FROM ${ARM64_IMAGE}`, `RUN uname -m > /machine && dpkg --print-architecture > /dpkg-arch # ${String(Date.now())}`, ...writeArgs('/args'), ''].join('\n'),
    );
    const { result } = await buildIn(dir, { platform: ARM64 });
    const files = await withImageFiles(result, async (rootfs) => ({
      machine: (await readFile(join(rootfs, 'machine'), 'utf8')).trim(),
      dpkg: (await readFile(join(rootfs, 'dpkg-arch'), 'utf8')).trim(),
      args: parseArgs(await readFile(join(rootfs, 'args'), 'utf8')),
    }));
    expect(files.machine).toBe('aarch64');
    expect(files.dpkg).toBe('arm64');
    expect(files.args).toMatchObject({ TARGETPLATFORM: 'linux/arm64', TARGETARCH: 'arm64', BUILDPLATFORM: 'linux/amd64', BUILDARCH: 'amd64' });
    const config = await result.image.config();
    expect([config.os, config.architecture]).toEqual(['linux', 'arm64']);
  });

  it.skipIf(unemulated === undefined)('a RUN for a platform without emulation is a clear error before anything is pulled or run', { timeout: 120_000 }, async () => {
    const platform = unemulated ?? HOST;
    const wanted = `linux/${platform.architecture}`;
    const dir = await context('FROM debian:bookworm-slim\nCOPY Dockerfile /\nRUN uname -m > /machine\n');
    const error = await buildIn(dir, { platform }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isBuildError(error) && error.code).toBe('UNSUPPORTED_PLATFORM');
    if (!isBuildError(error)) return;
    expect(error.message).toContain(`cannot run RUN steps for ${wanted} on this linux/amd64 machine`);
    expect(error.locations[0]?.start.line).toBe(3);
    expect(error.hint).toContain('apt-get install qemu-user-static binfmt-support');
    expect(error.hint).toContain('/proc/sys/fs/binfmt_misc/qemu-');
  });
});
