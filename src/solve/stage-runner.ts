import { invariant } from '../errors/index.js';
import { eventTime } from '../events/index.js';
import { parsePlatform } from '../oci/index.js';
import type { HistoryEntry, Platform } from '../oci/index.js';
import type { PlanStage, PlanStep } from '../plan/index.js';
import { baseCacheKey } from './cache-key.js';
import type { AddedHistory } from './history-times.js';
import { historyText } from './history-text.js';
import { applyInstruction, scratchConfig, startConfig, withoutOnBuild } from './image-config.js';
import type { ConfigState } from './image-config.js';
import { contextBaseFs } from './context-base.js';
import { runLayerStep } from './layer-step.js';
import { stepInputs } from './step-inputs.js';
import type { StepSources } from './step-inputs.js';
import { Memo } from './limiter.js';
import type { BuildSession, FsState } from './session.js';

/** A built stage: its file system, config and history, ready to build on or to export. */
export interface StageOutcome {
  readonly index: number;
  readonly id: string;
  readonly fs: FsState;
  readonly config: ConfigState;
  readonly platform: Platform;
  /** The history of the image the stage chain started from (kept as is, even with SOURCE_DATE_EPOCH). */
  readonly baseHistory: readonly HistoryEntry[];
  /** Entries added by this stage and the stages it is built on. */
  readonly added: readonly AddedHistory[];
  /** How many of `fs.layers` the first base image brought. */
  readonly baseLayers: number;
  /** How many of `fs.layers` this stage started with (its own steps made the rest). */
  readonly startLayers: number;
}

type StageStart = Omit<StageOutcome, 'index' | 'id' | 'startLayers'>;

/**
 * Runs stages on demand, each once however many stages need it: `run(i)` resolves with stage i's
 * outcome, waiting for the stages it builds on or copies from as it reaches them.
 */
export class StageRunner {
  private readonly memo = new Memo<StageOutcome>();
  private readonly bases = new Memo<undefined>();

  constructor(private readonly session: BuildSession) {}

  run(index: number): Promise<StageOutcome> {
    return this.memo.run(String(index), () => this.runStage(index));
  }

  private stage(index: number): PlanStage {
    const stage = this.session.plan?.stages[index];
    invariant(stage !== undefined, `no stage ${String(index)} in the plan`);
    return stage;
  }

  private async start(stage: PlanStage): Promise<StageStart> {
    const fallback = parsePlatform(stage.platform) ?? this.session.options.hostPlatform;
    switch (stage.base.kind) {
      case 'stage': {
        const parent = await this.run(stage.base.stage);
        // ONBUILD triggers are for images built on this one, not for stages of this build
        return { ...parent, config: { config: withoutOnBuild(parent.config.config), author: parent.config.author, cmdSet: false } };
      }
      case 'context': {
        // a --build-context NAME=DIR: its files are the stage's first layer, its config an empty image's
        const config = { config: scratchConfig(fallback.os), author: undefined, cmdSet: false };
        const made = await contextBaseFs(this.session, { stage, config, platform: fallback, stages: this });
        const history = { ...(made.created !== undefined ? { created: made.created } : {}), created_by: `local source for ${stage.base.context}`, comment: 'buildkit.exporter.image.v0' };
        return { fs: made.fs, config, platform: fallback, baseHistory: [history], added: [], baseLayers: made.fs.layers.length };
      }
      case 'scratch':
        return {
          fs: { key: baseCacheKey({ kind: 'scratch', platform: stage.platform }), layers: [] },
          config: { config: scratchConfig(fallback.os), author: undefined, cmdSet: false },
          platform: fallback,
          baseHistory: [],
          added: [],
          baseLayers: 0,
        };
      case 'image': {
        const resolved = this.session.images.get(stage.base.ref);
        invariant(resolved !== undefined, `base image ${stage.base.ref} was not resolved`);
        const { config } = resolved;
        const layers = await resolved.image.layers();
        const fsLayers = await Promise.all(
          layers.map(async (layer, i) => ({ diffId: config.rootfs.diff_ids[i] ?? (await layer.diffId()), size: await layer.size(), layer })),
        );
        const platform: Platform = {
          os: config.os,
          architecture: config.architecture,
          ...(config.variant !== undefined ? { variant: config.variant } : {}),
        };
        return {
          fs: { key: baseCacheKey({ kind: 'image', manifest: resolved.manifest, platform: stage.platform }), layers: fsLayers },
          config: startConfig(config.config, config.author, config.os),
          platform,
          baseHistory: config.history ?? [],
          added: [],
          baseLayers: fsLayers.length,
        };
      }
    }
  }

  /**
   * The FROM step of an image: nothing to run; shown as CACHED once a build has used that base.
   * The stage does not wait for that record to be written: it is a durable write (an fsync, which
   * on a cold start can be the one that flushes the file system's journal) that no step needs.
   */
  private async fromStep(stage: PlanStage, step: PlanStep, fs: FsState): Promise<void> {
    await this.bases.run(fs.key, async () => {
      const { cache } = this.session;
      const events = this.session.startStep(`from:${fs.key}`, { label: step.label, number: step.number, stageId: stage.id, total: stage.stepTotal });
      if (await cache.hasBase(fs.key)) events.cached();
      else {
        this.session.defer(cache.putBase(fs.key));
        events.done();
      }
      return undefined;
    });
  }

  /** Notes what a `COPY --from` carried, for the build summary. */
  private recordCopy(stage: PlanStage, step: PlanStep, fs: FsState): void {
    const instruction = step.instruction;
    if (instruction.kind !== 'copy' || (instruction.from.kind !== 'stage' && instruction.from.kind !== 'image')) return;
    const from = instruction.from.kind === 'stage' ? (this.session.plan?.stages[instruction.from.stage]?.id ?? '') : instruction.from.image;
    this.session.copies.push({
      stage: stage.index,
      line: step.range.start.line,
      from,
      paths: instruction.sources,
      bytes: fs.layers.at(-1)?.size ?? 0,
    });
  }

  /**
   * Starts finding the inputs of the layer step after step `i` (context files hashed, another
   * stage's files hashed) once step i's own inputs are found, so that work goes on while step i
   * runs rather than after it. Not sooner: the steps before a COPY --from are often a long RUN in
   * the stage it copies from, and hashing a large context beside it only slows both.
   */
  private inputsAhead(stage: PlanStage, i: number, current: Promise<StepSources>): Promise<StepSources> | undefined {
    const next = stage.steps.slice(i + 1).find((s) => s.layer);
    if (next === undefined) return undefined;
    const ahead = current.then(() => stepInputs(this.session, next, this));
    ahead.catch(() => undefined); // awaited when its step is reached; not left unhandled if this one fails first
    return ahead;
  }

  private async runStage(index: number): Promise<StageOutcome> {
    const stage = this.stage(index);
    const { events, signal } = this.session;
    const start = await this.start(stage);
    signal.throwIfAborted();
    events({ type: 'stage-started', id: `stage:${stage.id}`, time: eventTime(), stage: stage.id, index });
    let { fs, config } = start;
    const added = [...start.added];
    let ahead: Promise<StepSources> | undefined;
    try {
      for (const [i, step] of stage.steps.entries()) {
        signal.throwIfAborted();
        if (step.kind === 'from') {
          // a named directory context's FROM was the load start() did
          if (stage.base.kind !== 'context') await this.fromStep(stage, step, fs);
          continue;
        }
        const text = historyText(step.instruction);
        if (step.layer) {
          const inputs = ahead ?? stepInputs(this.session, step, this);
          ahead = this.inputsAhead(stage, i, inputs);
          const result = await runLayerStep(this.session, { stage, step, fs, config, platform: start.platform, stages: this }, inputs);
          fs = result.fs;
          this.recordCopy(stage, step, result.fs);
          if (text !== undefined) added.push({ createdBy: text, emptyLayer: false, ...(result.created !== undefined ? { created: result.created } : {}) });
        } else if (text !== undefined) {
          added.push({ createdBy: text, emptyLayer: true });
        }
        config = applyInstruction(config, step.instruction);
      }
    } catch (err) {
      // the next step's inputs, found ahead, are released (views unmounted) before the build returns
      if (ahead !== undefined) this.session.defer(ahead.then((sources) => sources.release(), () => undefined));
      events({ type: 'stage-finished', id: `stage:${stage.id}`, time: eventTime(), stage: stage.id, index, outcome: signal.aborted ? 'canceled' : 'failed' });
      throw err;
    }
    events({ type: 'stage-finished', id: `stage:${stage.id}`, time: eventTime(), stage: stage.id, index, outcome: 'done' });
    return { ...start, index, id: stage.id, fs, config, added, startLayers: start.fs.layers.length };
  }
}
