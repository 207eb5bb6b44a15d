import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRecordingSink } from '../../../src/events/index.js';
import type { RecordingSink } from '../../../src/events/index.js';
import { prepareSnapshot } from '../../../src/snapshot/index.js';
import { build } from '../../../src/solve/index.js';
import type { BuildRequest, BuildResult } from '../../../src/solve/index.js';
import { openStore } from '../../../src/store/index.js';
import type { Store } from '../../../src/store/index.js';
import { e2eRoot } from './e2e-env.js';

/** The repository's root (examples/ and the shared scenarios are read from it). */
export const REPO = resolve(import.meta.dirname, '..', '..', '..');

/** A private copy of a directory to build from (tests change files in it). */
export async function copyContext(dir: string): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-'));
  await cp(dir, target, { recursive: true });
  return target;
}

export interface DriverRun {
  readonly result: BuildResult;
  readonly recording: RecordingSink;
}

let storePromise: Promise<Store> | undefined;

/** The end-to-end store (opened once per test process). */
export function e2eStore(): Promise<Store> {
  storePromise ??= openStore(e2eRoot());
  return storePromise;
}

/** Builds `Dockerfile` (or `file`) in `contextDir` with the engine, recording every event. */
export async function buildIn(
  contextDir: string,
  options: Partial<Omit<BuildRequest, 'contextDir' | 'dockerfile' | 'dockerfilePath'>> & { readonly file?: string; readonly jobs?: number; readonly signal?: AbortSignal } = {},
): Promise<DriverRun> {
  const { file, jobs, signal, ...request } = options;
  const dockerfilePath = join(contextDir, file ?? 'Dockerfile');
  const recording = createRecordingSink();
  const result = await build(
    { dockerfile: await readFile(dockerfilePath, 'utf8'), dockerfilePath, contextDir, ...request },
    { store: await e2eStore(), events: recording.sink, ...(jobs !== undefined ? { jobs } : {}), ...(signal !== undefined ? { signal } : {}) },
  );
  return { result, recording };
}

export type StepOutcome = 'cached' | 'done' | 'failed' | 'canceled' | 'running';

/** How each Dockerfile step ended (those with a `[stage i/n]` number), by its progress label. */
export function stepOutcomes(recording: RecordingSink): Map<string, StepOutcome> {
  const labels = new Map<string, string>();
  const outcomes = new Map<string, StepOutcome>();
  for (const event of recording.events) {
    if (event.type === 'step-started' && event.number !== undefined) {
      labels.set(event.id, event.label);
      outcomes.set(event.label, 'running');
    }
    const label = labels.get(event.id);
    if (label === undefined) continue;
    if (event.type === 'step-cached') outcomes.set(label, 'cached');
    if (event.type === 'step-done') outcomes.set(label, 'done');
    if (event.type === 'step-failed') outcomes.set(label, 'failed');
    if (event.type === 'step-canceled') outcomes.set(label, 'canceled');
  }
  return outcomes;
}

/** The labels of the steps that ran (not from the cache). */
export function ranSteps(recording: RecordingSink): string[] {
  return [...stepOutcomes(recording)].filter(([, outcome]) => outcome === 'done').map(([label]) => label);
}

/** Lets `read` look at the final file system of a build (an overlay view of its layers, released afterwards). */
export async function withImageFiles<T>(result: BuildResult, read: (rootfs: string) => Promise<T>): Promise<T> {
  const store = await e2eStore();
  const snapshot = await prepareSnapshot(await result.lowerDirs(), { root: store.root });
  try {
    return await read(snapshot.rootfs);
  } finally {
    await snapshot.release();
  }
}
