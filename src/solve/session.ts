import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BuildError, invariant, isBuildError } from '../errors/index.js';
import { eventTime } from '../events/index.js';
import type { EventSink } from '../events/index.js';
import type { Layer } from '../image/index.js';
import type { Digest, Platform } from '../oci/index.js';
import type { BuildPlan, PlanStep } from '../plan/index.js';
import type { RegistrySettings } from '../registry/index.js';
import type { RuntimeName } from '../runtime/index.js';
import type { SecretStore, SshAgents } from '../secrets/index.js';
import { unpackLayer } from '../snapshot/index.js';
import type { Lease, Store } from '../store/index.js';
import type { ResolvedImage } from './base-images.js';
import { BuildCache } from './build-cache.js';
import { baseCacheKey } from './cache-key.js';
import type { CacheKey } from './cache-key.js';
import { createLimiter, Memo } from './limiter.js';
import type { Limiter } from './limiter.js';
import { openContextSource } from './context-source.js';
import type { ContextSource } from './context-source.js';
import type { CopyTransfer } from './types.js';

/** One layer of a file system being built: where its blob is and, once known, its unpacked directory. */
export interface FsLayer {
  readonly diffId: Digest;
  readonly size: number;
  readonly layer: Layer;
  /** When it was made (RFC 3339); undefined for base image layers. */
  readonly created?: string;
  /** Its unpacked form, when the step that made it left one. */
  readonly dir?: string;
  /** The key of the file system below it, for layers made by steps (not for base image layers). */
  readonly below?: CacheKey;
}

/** A file system as a chain of layers, named by a key of its content's history (stateCacheKey). */
export interface FsState {
  readonly key: CacheKey;
  readonly layers: readonly FsLayer[];
}

export interface SessionOptions {
  readonly store: Store;
  readonly events: EventSink;
  readonly signal: AbortSignal;
  readonly jobs: number | undefined;
  readonly noCache: boolean;
  readonly pull: boolean;
  readonly network: 'host' | 'none';
  readonly registry: (() => Promise<RegistrySettings>) | undefined;
  readonly runtime: RuntimeName | undefined;
  readonly epoch: number | undefined;
  readonly contextDir: string;
  readonly dockerfilePath: string;
  readonly hostPlatform: Platform;
  /** `--secret` and `--ssh`: read only by secret and ssh mounts (secret-mounts.ts). */
  readonly secrets: SecretStore | undefined;
  readonly ssh: SshAgents | undefined;
  /** `--build-context NAME=DIR` directories by name (named-contexts.ts). */
  readonly namedDirs?: ReadonlyMap<string, string>;
  /** The context was sent as an archive (`build -`): BuildKit applies no .dockerignore to it. */
  readonly contextFromArchive?: boolean;
}

/** The default of `--jobs`: the number of cores, at least 4 (RUN steps mostly wait on I/O and the network). */
export function defaultJobs(): number {
  return Math.max(4, availableParallelism());
}

/**
 * What the steps of one build share: the store, the event sink, the cancellation signal, the
 * cache, the limiter for concurrent work, the memo of steps already asked for (the same key runs
 * once), the resolved images and counters for the summary.
 */
export class BuildSession {
  readonly store: Store;
  readonly events: EventSink;
  readonly signal: AbortSignal;
  readonly cache: BuildCache;
  readonly limit: Limiter;
  readonly steps = new Memo<FsLayer>();
  readonly options: SessionOptions;
  readonly copies: CopyTransfer[] = [];
  images: ReadonlyMap<string, ResolvedImage> = new Map();
  plan: BuildPlan | undefined;
  cacheHits = 0;
  stepsRun = 0;
  private leasePromise: Promise<Lease> | undefined;
  private readonly deferred: Promise<{ readonly err: unknown } | undefined>[] = [];
  private contextPromise: Promise<ContextSource> | undefined;
  private readonly namedPromises = new Map<string, Promise<ContextSource>>();
  private readonly imageStates = new Map<string, Promise<FsState>>();

  constructor(options: SessionOptions) {
    this.options = options;
    this.store = options.store;
    this.events = options.events;
    this.signal = options.signal;
    this.cache = new BuildCache(options.store, !options.noCache);
    this.limit = createLimiter(options.jobs ?? defaultJobs());
  }

  /** The build context, opened (its .dockerignore read) the first time a step reads from it. */
  context(): Promise<ContextSource> {
    this.contextPromise ??= openContextSource(this.options.contextDir, this.options.dockerfilePath, this.store.root, {
      dockerignore: this.options.contextFromArchive === true ? 'none' : 'dockerfile-first',
    });
    return this.contextPromise;
  }

  /** A `--build-context NAME=DIR`, opened (its own .dockerignore read) the first time a step reads from it. */
  namedContext(name: string): Promise<ContextSource> {
    let opened = this.namedPromises.get(name);
    if (opened === undefined) {
      const dir = this.options.namedDirs?.get(name);
      invariant(dir !== undefined, `no directory for the named context ${name}`);
      opened = openContextSource(dir, join(dir, 'Dockerfile'), this.store.root, { dockerignore: 'context-root' });
      this.namedPromises.set(name, opened);
    }
    return opened;
  }

  /** Keeps the file digests of the contexts that were read for the next build. */
  async saveContext(): Promise<void> {
    // an archive's context is a fresh temp dir each time: its digests would never be read again
    const main = this.contextPromise !== undefined && this.options.contextFromArchive !== true ? [this.contextPromise] : [];
    const opened = [...main, ...this.namedPromises.values()];
    for (const source of opened) await (await source).digester.save();
  }

  /** The file system of a resolved image (`COPY --from=image`, `RUN --mount=from=image`), keyed by its manifest. */
  imageFs(ref: string): Promise<FsState> {
    let state = this.imageStates.get(ref);
    if (state === undefined) {
      state = (async () => {
        const resolved = this.images.get(ref);
        if (resolved === undefined) throw new Error(`invariant failed: image ${ref} was not resolved`);
        const layers = await resolved.image.layers();
        const fsLayers = await Promise.all(
          layers.map(async (layer, i) => ({ diffId: resolved.config.rootfs.diff_ids[i] ?? (await layer.diffId()), size: await layer.size(), layer })),
        );
        return { key: baseCacheKey({ kind: 'image', manifest: resolved.manifest, platform: `${resolved.config.os}/${resolved.config.architecture}` }), layers: fsLayers };
      })();
      this.imageStates.set(ref, state);
    }
    return state;
  }

  /**
   * Work whose result no later step needs (cache records for later builds, removing a released
   * snapshot's directories): it runs meanwhile, off the steps' path, and settleDeferred() waits
   * for it before the build returns, so its errors still fail the build.
   */
  defer(work: Promise<unknown>): void {
    this.deferred.push(
      work.then(
        () => undefined,
        (err: unknown) => ({ err }),
      ),
    );
  }

  /** Waits for everything defer() was given; throws the first failure. */
  async settleDeferred(): Promise<void> {
    const results = await Promise.all(this.deferred);
    const failed = results.find((result) => result !== undefined);
    if (failed !== undefined) throw failed.err;
  }

  /** One lease for the build: keeps the layers it writes from prune until they are in the cache and the image. */
  lease(): Promise<Lease> {
    this.leasePromise ??= this.store.createLease();
    return this.leasePromise;
  }

  /** Releases the build's lease (at the end, after the image is stored). */
  async releaseLease(): Promise<void> {
    if (this.leasePromise === undefined) return;
    await (await this.leasePromise).release();
  }

  /** The state directory of the container runtime (runc --root). */
  get runtimeRoot(): string {
    return join(this.store.root, 'runc');
  }

  /** The unpacked directories of a file system's layers, top first (overlay lowerdir order). */
  async lowerDirs(fs: FsState): Promise<string[]> {
    const dirs = await Promise.all(
      fs.layers.map((l) => (l.dir !== undefined ? Promise.resolve(l.dir) : unpackLayer(this.store, l.layer, { signal: this.signal }))),
    );
    return dirs.reverse();
  }

  /** An error of a step, located at its instruction in the Dockerfile (the location is appended, never replaced). */
  locate(err: unknown, step: PlanStep): unknown {
    if (isBuildError(err)) return err.withLocation(step.range, this.options.dockerfilePath);
    return err;
  }

  /** Emits `step-started` now and returns the function that ends the step with the right event. */
  startStep(id: string, step: Pick<PlanStep, 'label' | 'number'> & { readonly stageId?: string; readonly total?: number }): StepEvents {
    const started = eventTime();
    this.events({
      type: 'step-started',
      id,
      time: started,
      label: step.label,
      ...(step.stageId !== undefined ? { stage: step.stageId } : {}),
      ...(step.number !== undefined ? { number: step.number } : {}),
      ...(step.total !== undefined ? { total: step.total } : {}),
    });
    return {
      log: (stream, data) => {
        this.events({ type: 'step-log', id, time: eventTime(), stream, data });
      },
      cached: () => {
        this.events({ type: 'step-cached', id, time: eventTime() });
      },
      done: () => {
        const now = eventTime();
        this.events({ type: 'step-done', id, time: now, durationMs: now - started });
      },
      failed: (err) => {
        // A step that fails after the build was aborted was stopped by that, not by its own fault.
        if (this.signal.aborted) this.events({ type: 'step-canceled', id, time: eventTime() });
        else this.events({ type: 'step-failed', id, time: eventTime(), error: oneLine(err) });
      },
    };
  }
}

export interface StepEvents {
  log(stream: 'stdout' | 'stderr', data: Uint8Array | string): void;
  cached(): void;
  done(): void;
  failed(err: unknown): void;
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}

/** The error a build ends with when its signal was aborted by the user (Ctrl-C) rather than by a failure. */
export function canceledError(reason: unknown): BuildError<'BUILD_CANCELED'> {
  return new BuildError('BUILD_CANCELED', 'the build was canceled', { cause: reason });
}
