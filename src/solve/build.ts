import { arch, platform as osPlatform } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { parseStages } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import { isBuildError } from '../errors/index.js';
import { discardSink, eventTime } from '../events/index.js';
import type { BuildEvent } from '../events/index.js';
import { hostPlatform } from '../oci/index.js';
import type { BuildPlan } from '../plan/index.js';
import { recoverSnapshots } from '../snapshot/index.js';
import { assembleImage } from './assemble-image.js';
import { resolveImage } from './base-images.js';
import type { ResolvedImage } from './base-images.js';
import { checkEntitlements, grantedEntitlements } from './entitlements.js';
import { imagePlatform } from './image-platform.js';
import { checkLinkedCopies } from './linked-copy.js';
import { checkPlatforms, readBinfmtEntries } from './platform-check.js';
import { resolveNamedContexts } from './named-contexts.js';
import { planWithBaseImages } from './plan-with-bases.js';
import { BuildSession, canceledError } from './session.js';
import { StageRunner } from './stage-runner.js';
import type { StageOutcome } from './stage-runner.js';
import type { BuildOptions, BuildRequest, BuildResult, StageSummary } from './types.js';

function stepTotal(plan: BuildPlan): number {
  return plan.stages.reduce((sum, s) => sum + (s.needed ? s.steps.filter((step) => step.number !== undefined).length : 0), 0);
}

function summarise(outcome: StageOutcome, name: string | undefined): StageSummary {
  const sizes = outcome.fs.layers.map((l) => l.size);
  const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
  return {
    index: outcome.index,
    id: outcome.id,
    name,
    size: sum(sizes),
    addedSize: sum(sizes.slice(outcome.startLayers)),
    layers: sizes.length,
  };
}

/**
 * Builds a Dockerfile into an image in the store, the way `docker build` with BuildKit does:
 * plans with the base images' configs, runs the stages the target needs (independent ones side by
 * side, each step once, from the cache where its key was seen before), stores the target stage's
 * image under `tags`, and reports everything as events. The first failure cancels the rest and
 * every container and mount is released before this rejects; aborting `options.signal` (Ctrl-C)
 * does the same and rejects with BUILD_CANCELED.
 */
export async function build(request: BuildRequest, options: BuildOptions): Promise<BuildResult> {
  const { store } = options;
  const events = options.events ?? discardSink;
  const controller = new AbortController();
  const onAbort = (): void => {
    controller.abort(canceledError(options.signal?.reason));
  };
  if (options.signal?.aborted === true) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const host = options.hostPlatform ?? hostPlatform(osPlatform(), arch());
  // filled once the --build-context values are checked (named-contexts.ts)
  const namedDirs = new Map<string, string>();
  const session = new BuildSession({
    store,
    events,
    signal: controller.signal,
    jobs: options.jobs,
    noCache: request.noCache ?? false,
    pull: request.pull ?? false,
    network: request.network ?? 'host',
    registry: options.registry,
    runtime: options.runtime,
    epoch: request.sourceDateEpoch,
    contextDir: request.contextDir,
    dockerfilePath: request.dockerfilePath,
    hostPlatform: host,
    secrets: request.secrets,
    ssh: request.ssh,
    namedDirs,
    ...(request.contextFromArchive === true ? { contextFromArchive: true } : {}),
  });
  const started = eventTime();
  const finish = (extra: Partial<Extract<BuildEvent, { type: 'build-finished' }>>): void => {
    events({ type: 'build-finished', id: 'build', time: eventTime(), durationMs: eventTime() - started, ...extra });
  };
  try {
    // a lease from the start: `prune --cache` sees a build running and keeps what it may use;
    // it, the cleanup of dead builds' snapshots and the binfmt read go on while the file is parsed
    const ready = Promise.all([session.lease(), recoverSnapshots(store.root), readBinfmtEntries()]);
    ready.catch(() => undefined); // awaited below; this only covers a parse error thrown first
    const file = request.dockerfilePath;
    const ast = parseDockerfile(request.dockerfile, { file });
    const parsed = parseStages(ast);
    const granted = grantedEntitlements(request.allow ?? [], request.network ?? 'host');
    const [, , handlers] = await ready;
    const named = await resolveNamedContexts(request.namedContexts ?? new Map<string, string>(), { cwd: resolvePath(), platform: request.platform ?? host });
    for (const [name, dir] of named.dirs) namedDirs.set(name, dir);
    const { plan, images } = await planWithBaseImages(
      parsed,
      {
        hostPlatform: host,
        escapeChar: ast.escapeChar,
        file,
        ...(request.target !== undefined ? { target: request.target } : {}),
        ...(request.buildArgs !== undefined ? { buildArgs: request.buildArgs } : {}),
        ...(request.platform !== undefined ? { platform: request.platform } : {}),
        namedContexts: named.sources,
      },
      (ref, platform) =>
        named.images.has(ref)
          ? Promise.resolve(named.images.get(ref) as ResolvedImage)
          : resolveImage(ref, {
              store,
              platform,
              pull: request.pull ?? false,
              events,
              signal: controller.signal,
              ...(options.registry !== undefined ? { registry: options.registry } : {}),
            }),
      (planned) => {
        // nothing is pulled or run for a build that asks for what it may not do or cannot run here
        checkEntitlements(planned, { granted, file });
        checkPlatforms(planned, { host, handlers, file });
        checkLinkedCopies(planned, { file });
      },
    );
    session.plan = plan;
    session.images = images;
    for (const warning of plan.warnings) {
      events({ type: 'warning', id: 'build', time: eventTime(), code: warning.code, message: warning.message, ...(warning.range !== undefined ? { range: warning.range } : {}) });
    }
    const needed = plan.stages.filter((s) => s.needed);
    const target = plan.stages[plan.target];
    events({
      type: 'build-started',
      id: 'build',
      time: eventTime(),
      target: target?.id ?? '',
      stages: needed.map((s) => ({ id: s.id, index: s.index, steps: s.stepTotal })),
      totalSteps: stepTotal(plan),
    });

    const runner = new StageRunner(session);
    let firstError: unknown;
    const runs = needed.map((s) =>
      runner.run(s.index).catch((err: unknown) => {
        firstError ??= err;
        controller.abort(err);
        throw err;
      }),
    );
    const settled = await Promise.allSettled(runs);
    if (settled.some((r) => r.status === 'rejected')) {
      throw options.signal?.aborted === true ? canceledError(options.signal.reason) : firstError;
    }
    const outcomes = new Map<number, StageOutcome>();
    for (const r of settled) if (r.status === 'fulfilled') outcomes.set(r.value.index, r.value);
    const outcome = outcomes.get(plan.target);
    if (outcome === undefined) throw new Error('the target stage did not run');

    const image = assembleImage({ ...outcome, platform: imagePlatform(outcome.platform, request.platform) }, { labels: request.labels ?? new Map(), epoch: request.sourceDateEpoch });
    const exportStarted = eventTime();
    events({ type: 'step-started', id: 'export', time: exportStarted, label: 'exporting to image' });
    const digest = await store.putImage(image, { tags: request.tags ?? [], signal: controller.signal, lease: await session.lease() });
    await session.settleDeferred();
    const configDigest = (await image.manifest()).config.digest;
    events({ type: 'export-progress', id: 'export', time: eventTime(), task: `writing image ${configDigest}`, done: true });
    for (const tag of request.tags ?? []) events({ type: 'export-progress', id: 'export', time: eventTime(), task: `naming to ${tag}`, done: true });
    events({ type: 'step-done', id: 'export', time: eventTime(), durationMs: eventTime() - exportStarted });
    finish({ imageId: configDigest, digest });

    const stages = needed.flatMap((s) => {
      const o = outcomes.get(s.index);
      return o === undefined ? [] : [summarise(o, s.name)];
    });
    return {
      image,
      digest,
      configDigest,
      size: outcome.fs.layers.reduce((sum, l) => sum + l.size, 0),
      target: { index: outcome.index, id: outcome.id },
      stages,
      copies: [...session.copies],
      cacheHits: session.cacheHits,
      stepsRun: session.stepsRun,
      lowerDirs: () => session.lowerDirs(outcome.fs),
    };
  } catch (err) {
    const error = options.signal?.aborted === true && !(isBuildError(err) && err.code === 'BUILD_CANCELED') ? canceledError(options.signal.reason) : err;
    finish({ error: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) });
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // after a failure too: nothing of this build may still be writing once it has returned
    await session.settleDeferred().catch(() => undefined);
    await session.saveContext().catch(() => undefined);
    await session.releaseLease();
  }
}
