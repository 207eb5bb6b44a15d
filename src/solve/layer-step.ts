import type { Platform } from '../oci/index.js';
import type { PlanStage, PlanStep } from '../plan/index.js';
import { stateCacheKey, stepCacheKey } from './cache-key.js';
import type { CacheKey } from './cache-key.js';
import { executeStep } from './execute-step.js';
import { isLinkedCopy, linkedCopyKey, linkedStateKey } from './linked-copy.js';
import { epochTime } from './history-times.js';
import type { ConfigState } from './image-config.js';
import type { BuildSession, FsLayer, FsState } from './session.js';
import type { StageRunner } from './stage-runner.js';
import { stepInputs } from './step-inputs.js';
import type { StepSources } from './step-inputs.js';
import { storedLayer } from '../snapshot/index.js';
import { writeEmptyLayer } from './stored-layer.js';

/** A step that changes the file system, with what it runs on. */
export interface LayerStepContext {
  readonly stage: PlanStage;
  readonly step: PlanStep;
  readonly fs: FsState;
  readonly config: ConfigState;
  readonly platform: Platform;
  readonly stages: StageRunner;
}

/** The RUN network after the build's default (`--network`) is applied. */
export function runNetwork(step: PlanStep, fallback: 'host' | 'none'): 'host' | 'none' | undefined {
  if (step.instruction.kind !== 'run') return undefined;
  const asked = step.instruction.network;
  return asked === 'default' ? fallback : asked;
}

/**
 * Runs one layer step (RUN, COPY, ADD, WORKDIR) or takes its result from the cache. Its key is
 * the parent's key, the expanded instruction and its inputs' content digests; the same key asked
 * for twice in one build runs once. Progress: started, then cached, done, failed or canceled.
 * `inputs` may have been started ahead (the stage runner finds the next step's while this one runs).
 */
export async function runLayerStep(
  session: BuildSession,
  context: LayerStepContext,
  inputs: Promise<StepSources> = stepInputs(session, context.step, context.stages),
): Promise<{ fs: FsState; created: string | undefined }> {
  const { step, fs } = context;
  let sources: StepSources;
  try {
    sources = await inputs;
  } catch (err) {
    // the step could not even be keyed (a COPY source missing): show it failing, as BuildKit does
    if (!session.signal.aborted) {
      const label = { label: step.label, number: step.number, stageId: context.stage.id, total: context.stage.stepTotal };
      session.startStep(`inputs:${String(context.stage.index)}:${String(step.index)}`, label).failed(err);
    }
    throw session.locate(err, step);
  }
  try {
    const network = runNetwork(step, session.options.network);
    const keyInputs = {
      workdir: step.workdir,
      inputs: sources.digests,
      ...(network !== undefined ? { network } : {}),
      ...(step.instruction.kind === 'workdir' ? { user: context.config.config.User ?? '' } : {}),
    };
    // COPY --link: keyed and made apart from the stage's files, then put on top of them
    const linked = isLinkedCopy(step.instruction);
    const key = linked ? linkedCopyKey(step.instruction, keyInputs) : stepCacheKey(fs.key, step.instruction, keyInputs);
    const layer = await session.steps.run(key, () => produce(session, context, key, sources));
    const next = linked ? linkedStateKey(fs.key, key, layer.diffId) : stateCacheKey(key, layer.diffId);
    return { fs: { key: next, layers: [...fs.layers, { ...layer, below: fs.key }] }, created: layer.created };
  } finally {
    await sources.release();
  }
}

async function produce(session: BuildSession, context: LayerStepContext, key: CacheKey, sources: StepSources): Promise<FsLayer> {
  const { step, stage } = context;
  const label = { label: step.label, number: step.number, stageId: stage.id, total: stage.stepTotal };
  const id = `step:${key}`;
  const hit = await session.cache.get(key);
  if (hit !== undefined) {
    session.startStep(id, label).cached();
    session.cacheHits++;
    return { diffId: hit.diffId, size: hit.size, created: hit.created, layer: storedLayer(session.store, hit.diffId, hit.size) };
  }
  return session.limit(async () => {
    session.signal.throwIfAborted();
    const events = session.startStep(id, label);
    try {
      const made = await executeStep(session, context, sources, events);
      const created = session.options.epoch !== undefined ? epochTime(session.options.epoch) : new Date().toISOString();
      const layer: FsLayer =
        made !== undefined
          ? { diffId: made.diffId, size: made.size, layer: made.layer, created, ...(made.dir !== undefined ? { dir: made.dir } : {}) }
          : await emptyLayer(session, created);
      // the entry is for later builds (this one has the layer in hand): it is written meanwhile,
      // under the build's lease, before the build returns (BuildSession.defer)
      session.defer(session.cache.put(key, { diffId: layer.diffId, size: layer.size, created }));
      session.stepsRun++;
      events.done();
      return layer;
    } catch (err) {
      events.failed(err);
      throw session.locate(err, step);
    }
  });
}

async function emptyLayer(session: BuildSession, created: string): Promise<FsLayer> {
  const { diffId, size } = await writeEmptyLayer(session.store, { lease: await session.lease() });
  return { diffId, size, created, layer: storedLayer(session.store, diffId, size) };
}
