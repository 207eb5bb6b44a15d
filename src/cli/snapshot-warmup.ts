// Work done once while the start-up snapshot is made (src/cli/snapshot-entry.ts), so that the
// snapshot holds the compiled bytecode of the code every build runs.
//
// Why: V8 compiles a function the first time it is called. A snapshot keeps the functions that
// ran while it was made, compiled, and only those; everything else is parsed and compiled again
// by every command, on its critical path. Measured on a one-RUN build, compiling the whole bundle
// ahead saved ~27 ms but made the blob 2.3 MB larger, which cost ~13 ms of start-up for every
// command; warming only what a build runs keeps the first and avoids most of the second.
//
// Rules: pure code runs here (parsing, planning, cache keys, config, the runtime spec, progress
// rendering, tar encoding and image assembly in memory), and one throwaway store under the temp
// directory (warmStore says why and what it keeps out of module state): no processes, no mounts,
// no addon, no clock or environment read into module state, nothing kept. Every input is made up
// below and thrown away. A failure only means less is warmed, so the snapshot is made anyway.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseStages } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import type { BuildEvent } from '../events/index.js';
import { toDigest } from '../oci/index.js';
import { layerFromBlobs } from '../image/index.js';
import { MediaType } from '../oci/index.js';
import { buildRuntimeSpec, resolveUserFromFiles } from '../runtime/index.js';
import { commitDiffDir } from '../snapshot/commit-layer.js';
import { planOverlayMount } from '../snapshot/mounts.js';
import { assembleImage } from '../solve/assemble-image.js';
import { BuildCache } from '../solve/build-cache.js';
import type { CacheKey } from '../solve/cache-key.js';
import { openStore } from '../store/index.js';
import { withoutNativeSys } from '../native/sys.js';
import { baseCacheKey, stateCacheKey, stepCacheKey } from '../solve/cache-key.js';
import { checkEntitlements, grantedEntitlements } from '../solve/entitlements.js';
import { historyText } from '../solve/history-text.js';
import { applyInstruction, orderConfigFields, startConfig } from '../solve/image-config.js';
import { checkLinkedCopies } from '../solve/linked-copy.js';
import { planWithBaseImages } from '../solve/plan-with-bases.js';
import type { ResolvedImage } from '../solve/base-images.js';
import { checkPlatforms } from '../solve/platform-check.js';
import type { StageOutcome } from '../solve/stage-runner.js';
import { writeTar } from '../tar/index.js';
import type { TarEntry } from '../tar/index.js';
import { createProgram } from './main.js';
import { createProgressRenderer } from './progress/index.js';

/** A multi-stage Dockerfile using what the seed demos use: ARG/ENV scoping, RUN, COPY (--from, --chown), WORKDIR, USER, CMD. */
const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG NODE_VERSION=18
FROM docker.io/library/node:\${NODE_VERSION} AS builder
ENV NODE_ENV=development
WORKDIR /app
COPY package*.json ./
RUN npm ci && npm cache clean --force
COPY --chown=node:node . .
RUN --mount=type=cache,target=/root/.npm npm run build
FROM builder AS test
RUN npm test
FROM docker.io/library/debian:bookworm-slim AS other
RUN sleep 1 && echo a > /a
FROM docker.io/library/node:\${NODE_VERSION}-slim
LABEL org.opencontainers.image.title="demo"
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=builder /app/dist ./dist
COPY --from=other /a /a
USER node
EXPOSE 3000
CMD ["node", "dist/server.js"]
`;

const DIGEST = toDigest(`sha256:${'0'.repeat(64)}`);
const PLATFORM = { os: 'linux', architecture: 'amd64' } as const;

/** Only the config of a resolved image is read while planning. */
function madeUpImage(ref: string): ResolvedImage {
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'NODE_VERSION=18.20.8'], Cmd: ['node'], WorkingDir: '' },
    rootfs: { type: 'layers', diff_ids: [DIGEST] },
    history: [{ created_by: '/bin/sh -c #(nop) ADD file:0 in / ' }],
  };
  return { ref, manifest: DIGEST, config, image: undefined } as unknown as ResolvedImage;
}

async function warmPlanning(): Promise<void> {
  const ast = parseDockerfile(DOCKERFILE, { file: 'Dockerfile' });
  const parsed = parseStages(ast);
  const granted = grantedEntitlements([], 'host');
  const { plan } = await planWithBaseImages(
    parsed,
    { hostPlatform: PLATFORM, escapeChar: ast.escapeChar, file: 'Dockerfile', buildArgs: new Map([['NODE_VERSION', '18']]), namedContexts: new Map() },
    (ref) => Promise.resolve(madeUpImage(ref)),
    (planned) => {
      checkEntitlements(planned, { granted, file: 'Dockerfile' });
      checkPlatforms(planned, { host: PLATFORM, handlers: [], file: 'Dockerfile' });
      checkLinkedCopies(planned, { file: 'Dockerfile' });
    },
  );
  for (const stage of plan.stages) {
    let key = baseCacheKey({ kind: 'image', manifest: DIGEST, platform: 'linux/amd64' });
    let state = startConfig(madeUpImage('base').config.config, undefined, 'linux');
    for (const step of stage.steps) {
      const instruction = step.instruction;
      state = applyInstruction(state, instruction);
      historyText(instruction);
      key = stateCacheKey(stepCacheKey(key, instruction, { workdir: step.workdir, inputs: [DIGEST] }), DIGEST);
    }
    orderConfigFields(state.config);
  }
}

function warmRuntimeSpec(): void {
  const user = resolveUserFromFiles('node', {
    passwd: 'root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/bash\n',
    group: 'root:x:0:\nnode:x:1000:\n',
  });
  buildRuntimeSpec({
    args: ['/bin/sh', '-c', 'npm ci'],
    env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/home/node'],
    cwd: '/app',
    user,
    rootfs: '/nonexistent/rootfs',
    network: 'host',
    etcFiles: { hosts: '/nonexistent/hosts', resolvConf: '/nonexistent/resolv.conf' },
    mounts: [{ type: 'bind', source: '/nonexistent/cache', destination: '/root/.npm', options: ['rbind', 'rw'] }],
    nofile: 1048576,
  });
}

/** One build's worth of events through the json and plain renderers, into strings. */
async function warmProgress(): Promise<void> {
  const events: BuildEvent[] = [
    { type: 'step-started', id: 'load', time: 1, label: '[internal] load metadata for docker.io/library/node:18' },
    { type: 'step-done', id: 'load', time: 2, durationMs: 1 },
    { type: 'build-started', id: 'build', time: 3, target: 'stage-1', stages: [{ id: 'builder', index: 0, steps: 3 }], totalSteps: 3 },
    { type: 'stage-started', id: 'stage:0', time: 3, stage: 'builder' } as BuildEvent,
    { type: 'step-started', id: 'step:a', time: 4, label: '[builder 2/3] RUN npm ci', stage: 'builder', number: 2, total: 3 },
    { type: 'step-log', id: 'step:a', time: 5, stream: 'stdout', data: 'added 1 package in 1s\n' },
    { type: 'step-done', id: 'step:a', time: 6, durationMs: 2 },
    { type: 'step-started', id: 'step:b', time: 7, label: '[builder 3/3] COPY . .', stage: 'builder', number: 3, total: 3 },
    { type: 'step-cached', id: 'step:b', time: 8 },
    { type: 'step-started', id: 'export', time: 9, label: 'exporting to image' },
    { type: 'export-progress', id: 'export', time: 10, task: `writing image ${DIGEST}`, done: true },
    { type: 'step-done', id: 'export', time: 11, durationMs: 2 },
    { type: 'build-finished', id: 'build', time: 12, durationMs: 9, imageId: DIGEST, digest: DIGEST },
  ];
  for (const mode of ['json', 'plain'] as const) {
    let text = '';
    const output = {
      write(chunk: string, callback?: (error?: Error | null) => void): boolean {
        text += chunk;
        callback?.(null);
        return true;
      },
    };
    const renderer = createProgressRenderer(mode, { stdout: output, stderr: output, isTTY: false, now: () => 12 });
    for (const event of events) renderer.sink(event);
    await renderer.finish();
    if (text === '') throw new Error(`the ${mode} renderer wrote nothing`);
  }
}

/** A small layer (directory, file, symlink) encoded into memory. */
async function warmTar(): Promise<void> {
  const header = { mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0, uname: '', gname: '' };
  const content = Buffer.from('a\n');
  const entries: TarEntry[] = [
    { header: { ...header, name: 'app/', type: 'directory' } },
    { header: { ...header, name: 'app/a', type: 'file', mode: 0o644, size: content.length }, open: () => Readable.from([content]) },
    { header: { ...header, name: 'app/l', type: 'symlink', linkname: 'a' } },
  ];
  let bytes = 0;
  for await (const chunk of writeTar(entries)) bytes += chunk.length;
  if (bytes === 0) throw new Error('tar wrote nothing');
}

/** The final stage's outcome as a build leaves it: a base layer and one a step made. */
function madeUpOutcome(layers: StageOutcome['fs']['layers']): StageOutcome {
  const created = '2026-01-01T00:00:00Z';
  return {
    index: 1,
    id: 'final',
    platform: PLATFORM,
    fs: { key: DIGEST as unknown as CacheKey, layers },
    config: startConfig(madeUpImage('base').config.config, undefined, 'linux'),
    baseHistory: [{ created_by: '/bin/sh -c #(nop) ADD file:0 in / ' }],
    added: [
      { createdBy: 'COPY /a /a # buildkit', emptyLayer: false, created },
      { createdBy: 'CMD ["node"]', emptyLayer: true },
    ],
    baseLayers: 1,
    startLayers: 1,
  };
}

/**
 * The end of a build, in memory: the final stage put together as an image (config, history,
 * manifest, digest), and an overlay mount planned as each RUN and COPY step plans one.
 */
async function warmImageAssembly(): Promise<void> {
  const bytes = Buffer.from('warm-up layer\n');
  const layer = layerFromBlobs({ mediaType: MediaType.ociLayer, open: () => Promise.resolve(Readable.from([bytes])), digest: DIGEST, size: bytes.length, diffId: DIGEST, source: 'warm-up layer' });
  const image = assembleImage(madeUpOutcome([{ diffId: DIGEST, size: bytes.length, layer }]), { labels: new Map([['org.opencontainers.image.title', 'demo']]), epoch: undefined });
  const [manifest, raw, config] = await Promise.all([image.manifest(), image.rawManifest(), image.rawConfig(), image.digest(), image.layers()]);
  if (manifest.layers.length !== 1 || raw.byteLength === 0 || config.byteLength === 0) throw new Error('the image came out wrong');
  const dirs = { snapshotDir: '/nonexistent/snapshot', upper: '/nonexistent/snapshot/upper', work: '/nonexistent/snapshot/work' };
  planOverlayMount(['/nonexistent/layers/a/fs', '/nonexistent/layers/b/fs'], dirs, ['index=off', 'redirect_dir=off', 'metacopy=off', 'volatile']);
}

/**
 * What a build does with its store, in a throwaway one under the temp directory: a lease, a layer
 * committed from a directory (tar, hash, blob written and fsynced), cache records written and read,
 * the image stored with a tag and resolved again. The one exception to "no files": these paths run
 * on every build's critical path (a CPU profile put their first-use compilation at ~20 ms of a
 * parallel build), and they leave nothing behind: the addon is not loaded (a native handle cannot
 * be in a snapshot), nothing is mounted, no process is started, and what is remembered per process
 * (the owner id, the store lock's record file) is not remembered while the snapshot is made.
 */
async function warmStore(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'stagecraft-warmup-'));
  try {
    await withoutNativeSys(async () => {
      const store = await openStore(join(work, 'store'));
      const lease = await store.createLease();
      const diff = join(work, 'diff');
      mkdirSync(join(diff, 'app'), { recursive: true });
      writeFileSync(join(diff, 'app', 'a'), 'a\n');
      symlinkSync('a', join(diff, 'app', 'l'));
      const committed = await commitDiffDir(store, diff, { lease, keepUnpacked: false, xattrs: Promise.resolve(new Map()) });
      if (committed === undefined) throw new Error('the layer came out empty');
      const cache = new BuildCache(store, true);
      const key = DIGEST as unknown as CacheKey;
      await cache.put(key, { diffId: committed.diffId, size: committed.size, created: '2026-01-01T00:00:00Z' });
      await cache.putSourceDigest(key, '{"patterns":["/a"]}', DIGEST);
      await Promise.all([cache.get(key), cache.sourceDigest(key, '{"patterns":["/a"]}'), cache.hasBase(key)]);
      const layers = [{ diffId: committed.diffId, size: committed.size, layer: committed.layer }];
      const image = assembleImage(madeUpOutcome(layers), { labels: new Map(), epoch: undefined });
      const digest = await store.putImage(image, { tags: ['warmup/image:1'], lease });
      if ((await store.resolveRef('warmup/image:1')) !== digest) throw new Error('the tag did not resolve');
      await (await store.getImage('warmup/image:1')).config();
      await lease.release();
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The command line as a build parses it, with the command's work replaced on this throwaway program. */
async function warmCommandLine(): Promise<void> {
  const program = createProgram();
  const build = program.commands.find((command) => command.name() === 'build');
  if (build === undefined) throw new Error('no build command');
  build.action(() => undefined);
  await program.parseAsync(['--root', '/nonexistent', 'build', '--progress', 'json', '-t', 'demo:1', '--build-arg', 'A=1', '-f', 'Dockerfile', '.'], { from: 'user' });
}

/** Runs every warm-up; resolves with what failed (nothing, normally). */
export async function warmUpForSnapshot(): Promise<string[]> {
  const failures: string[] = [];
  for (const [name, work] of [
    ['planning', warmPlanning],
    ['runtime spec', warmRuntimeSpec],
    ['progress', warmProgress],
    ['tar', warmTar],
    ['image assembly', warmImageAssembly],
    ['store', warmStore],
    ['command line', warmCommandLine],
  ] as const) {
    try {
      await work();
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return failures;
}
