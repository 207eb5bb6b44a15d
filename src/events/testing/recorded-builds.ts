import { BUILD_ID } from '../build-event.js';
import type { BuildEvent, LayerStatus, LogStream } from '../build-event.js';

/**
 * Event sequences of typical builds, as an engine emits them (times in ms from the build's start),
 * for renderer tests. Each has the shape of a real BuildKit build of the same Dockerfile.
 */

export const IMAGE_ID = `sha256:${'5e'.repeat(32)}`;
export const MANIFEST_DIGEST = `sha256:${'9d'.repeat(32)}`;
export const LAYER_A = `sha256:${'a1'.repeat(32)}`;
export const LAYER_B = `sha256:${'b2'.repeat(32)}`;

export const ev = {
  started: (time: number, id: string, label: string, stage?: string): BuildEvent => ({
    type: 'step-started',
    time,
    id,
    label,
    ...(stage === undefined ? {} : { stage }),
  }),
  log: (time: number, id: string, data: string | Uint8Array, stream: LogStream = 'stdout'): BuildEvent => ({
    type: 'step-log',
    time,
    id,
    stream,
    data,
  }),
  cached: (time: number, id: string): BuildEvent => ({ type: 'step-cached', time, id }),
  done: (time: number, id: string, durationMs: number): BuildEvent => ({ type: 'step-done', time, id, durationMs }),
  failed: (time: number, id: string, error: string): BuildEvent => ({ type: 'step-failed', time, id, error }),
  canceled: (time: number, id: string): BuildEvent => ({ type: 'step-canceled', time, id }),
  status: (time: number, id: string, name: string, done: boolean, current?: number, total?: number): BuildEvent => ({
    type: 'step-status',
    time,
    id,
    name,
    done,
    ...(current === undefined ? {} : { current }),
    ...(total === undefined ? {} : { total }),
  }),
  exporting: (time: number, id: string, task: string, done: boolean): BuildEvent => ({
    type: 'export-progress',
    time,
    id,
    task,
    done,
  }),
  pull: (time: number, id: string, layer: string, status: LayerStatus, current: number, total: number): BuildEvent => ({
    type: 'pull-progress',
    time,
    id,
    reference: 'docker.io/library/alpine:3.19',
    layer,
    status,
    current,
    total,
  }),
  buildStarted: (time: number, target: string, stages: readonly [string, number][]): BuildEvent => ({
    type: 'build-started',
    time,
    id: BUILD_ID,
    target,
    stages: stages.map(([id, steps], index) => ({ id, index, steps })),
    totalSteps: stages.reduce((sum, [, steps]) => sum + steps, 0),
  }),
  buildFinished: (time: number, result: { imageId: string; digest: string } | { error: string }): BuildEvent => ({
    type: 'build-finished',
    time,
    id: BUILD_ID,
    durationMs: time,
    ...result,
  }),
};

/** A two-stage node build: FROM, a cached COPY, RUN npm install, the final stage, the export. */
export function twoStageBuild(): BuildEvent[] {
  return [
    ev.buildStarted(0, 'stage-1', [['builder', 3], ['stage-1', 2]]),
    ev.started(0, 'b1', '[builder 1/3] FROM docker.io/library/node:18', 'builder'),
    ev.done(5, 'b1', 5),
    ev.started(10, 'b2', '[builder 2/3] COPY package.json ./', 'builder'),
    ev.cached(12, 'b2'),
    ev.started(20, 'b3', '[builder 3/3] RUN npm install', 'builder'),
    ev.log(532, 'b3', 'added 57 packages in 0.5s\n'),
    ev.log(1700, 'b3', 'npm notice New minor version\n', 'stderr'),
    ev.done(4220, 'b3', 4200),
    ev.started(4230, 'f1', '[stage-1 1/2] FROM docker.io/library/node:18-slim', 'stage-1'),
    ev.done(4240, 'f1', 10),
    ev.started(4250, 'f2', '[stage-1 2/2] COPY --from=builder /app/node_modules ./node_modules', 'stage-1'),
    ev.done(4600, 'f2', 340),
    ev.started(4610, 'export', 'exporting to image'),
    ev.exporting(4620, 'export', 'exporting layers', false),
    ev.exporting(4900, 'export', 'exporting layers', true),
    ev.exporting(4910, 'export', `writing image ${IMAGE_ID}`, true),
    ev.exporting(4915, 'export', 'naming to docker.io/library/app:latest', true),
    ev.done(4920, 'export', 310),
    ev.buildFinished(4921, { imageId: IMAGE_ID, digest: MANIFEST_DIGEST }),
  ];
}

export const TEST_ERROR = 'process "/bin/sh -c npm test" did not complete successfully: exit code: 1';

/** `npm test` fails while a parallel stage's RUN is running: that one is canceled. */
export function failingBuild(): BuildEvent[] {
  return [
    ev.buildStarted(0, 'test', [['build', 2], ['test', 2]]),
    ev.started(0, 't1', '[test 1/2] FROM docker.io/library/node:18', 'test'),
    ev.done(3, 't1', 3),
    ev.started(4, 'b1', '[build 1/2] FROM docker.io/library/node:18', 'build'),
    ev.cached(4, 'b1'),
    ev.started(5, 't2', '[test 2/2] RUN npm test', 'test'),
    ev.started(6, 'b2', '[build 2/2] RUN npm run build', 'build'),
    ev.log(125, 't2', '\n> app@1.0.0 test\n> node test.js\n\n'),
    ev.log(140, 'b2', 'building...\n'),
    ev.log(850, 't2', 'AssertionError: expected 2 to equal 3\n', 'stderr'),
    ev.failed(900, 't2', TEST_ERROR),
    ev.canceled(901, 'b2'),
    ev.buildFinished(905, { error: TEST_ERROR }),
  ];
}

/** Two independent stages running at once for 7-8 s, each printing a line a second. */
export function parallelBuild(): BuildEvent[] {
  const events: BuildEvent[] = [
    ev.buildStarted(0, 'final', [['a', 1], ['b', 1]]),
    ev.started(0, 'a', '[a 1/1] RUN ./build-a.sh', 'a'),
    ev.started(0, 'b', '[b 1/1] RUN ./build-b.sh', 'b'),
  ];
  for (let second = 0; second < 8; second++) {
    if (second < 7) events.push(ev.log(second * 1000 + 500, 'a', `a line ${second}\n`));
    if (second === 6) events.push(ev.done(7000, 'a', 7000));
    events.push(ev.log(second * 1000 + 1000, 'b', `b line ${second}\n`));
  }
  events.push(ev.done(8000, 'b', 8000), ev.buildFinished(8010, { imageId: IMAGE_ID, digest: MANIFEST_DIGEST }));
  return events;
}

/** A FROM that pulls its image: one layer already in the store, one downloaded with progress. */
export function pullBuild(): BuildEvent[] {
  const total = 3_400_000;
  return [
    ev.buildStarted(0, '', [['', 2]]),
    ev.started(0, 'from', '[1/2] FROM docker.io/library/alpine:3.19'),
    ev.status(0, 'from', 'resolve docker.io/library/alpine:3.19', false),
    ev.status(10, 'from', 'resolve docker.io/library/alpine:3.19', true),
    ev.pull(20, 'from', LAYER_A, 'waiting', 0, total),
    ev.pull(20, 'from', LAYER_B, 'exists', 0, 1000),
    ev.pull(30, 'from', LAYER_A, 'downloading', 100_000, total),
    ev.pull(40, 'from', LAYER_A, 'downloading', 150_000, total),
    ev.pull(50, 'from', LAYER_A, 'downloading', 1_000_000, total),
    ev.pull(150, 'from', LAYER_A, 'downloading', 1_100_000, total),
    ev.pull(250, 'from', LAYER_A, 'downloading', 3_400_000, total),
    ev.pull(260, 'from', LAYER_A, 'verifying', 3_400_000, total),
    ev.pull(270, 'from', LAYER_A, 'done', 3_400_000, total),
    ev.done(280, 'from', 280),
    ev.started(290, 'run', '[2/2] RUN apk add --no-cache curl'),
    ev.log(400, 'run', 'OK: 8 MiB in 20 packages\n'),
    ev.done(700, 'run', 410),
    ev.buildFinished(710, { imageId: IMAGE_ID, digest: MANIFEST_DIGEST }),
  ];
}
