import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BuildEvent } from '../../events/index.js';
import {
  IMAGE_ID,
  LAYER_A,
  LAYER_B,
  TEST_ERROR,
  ev,
  failingBuild,
  parallelBuild,
  pullBuild,
  twoStageBuild,
} from '../../events/testing/recorded-builds.js';
import { createPlainRenderer } from './plain-renderer.js';
import { captureOutput } from './testing/capture.js';

async function renderPlain(events: readonly BuildEvent[]): Promise<string> {
  const captured = captureOutput();
  const renderer = createPlainRenderer({ output: captured.output, now: () => events.at(-1)?.time ?? 0 });
  for (const event of events) renderer.sink(event);
  await renderer.finish();
  return captured.text();
}

const lines = (...text: string[]): string => text.map((line) => `${line}\n`).join('');

afterEach(() => {
  vi.useRealTimers();
});

describe('plain progress (BuildKit --progress=plain)', () => {
  it('a two-stage build with a cached step and the export', async () => {
    expect(await renderPlain(twoStageBuild())).toBe(
      lines(
        '#1 [builder 1/3] FROM docker.io/library/node:18',
        '#1 DONE 0.0s',
        '',
        '#2 [builder 2/3] COPY package.json ./',
        '#2 CACHED',
        '',
        '#3 [builder 3/3] RUN npm install',
        '#3 0.512 added 57 packages in 0.5s',
        '#3 1.680 npm notice New minor version',
        '#3 DONE 4.2s',
        '',
        '#4 [stage-1 1/2] FROM docker.io/library/node:18-slim',
        '#4 DONE 0.0s',
        '',
        '#5 [stage-1 2/2] COPY --from=builder /app/node_modules ./node_modules',
        '#5 DONE 0.3s',
        '',
        '#6 exporting to image',
        '#6 exporting layers',
        '#6 exporting layers 0.3s done',
        `#6 writing image ${IMAGE_ID} done`,
        '#6 naming to docker.io/library/app:latest done',
        '#6 DONE 0.3s',
      ),
    );
  });

  it('a failing step: its ERROR, the canceled one, then the last lines of its output', async () => {
    expect(await renderPlain(failingBuild())).toBe(
      lines(
        '#1 [test 1/2] FROM docker.io/library/node:18',
        '#1 DONE 0.0s',
        '',
        '#2 [build 1/2] FROM docker.io/library/node:18',
        '#2 CACHED',
        '',
        '#3 [test 2/2] RUN npm test',
        '#3 0.120 ',
        '#3 0.120 > app@1.0.0 test',
        '#3 0.120 > node test.js',
        '#3 0.120 ',
        '#3 0.845 AssertionError: expected 2 to equal 3',
        `#3 ERROR: ${TEST_ERROR}`,
        '',
        '#4 [build 2/2] RUN npm run build',
        '#4 0.134 building...',
        '#4 CANCELED',
        '------',
        ' > [test 2/2] RUN npm test:',
        '0.120 ',
        '0.120 > app@1.0.0 test',
        '0.120 > node test.js',
        '0.120 ',
        '0.845 AssertionError: expected 2 to equal 3',
        '------',
      ),
    );
  });

  it('parallel stages: one holds the output for 5 s, then `#N ...` and the other takes over', async () => {
    expect(await renderPlain(parallelBuild())).toBe(
      lines(
        '#1 [a 1/1] RUN ./build-a.sh',
        '#1 0.500 a line 0',
        '#1 1.500 a line 1',
        '#1 2.500 a line 2',
        '#1 3.500 a line 3',
        '#1 4.500 a line 4',
        '#1 ...',
        '',
        '#2 [b 1/1] RUN ./build-b.sh',
        '#2 1.000 b line 0',
        '#2 2.000 b line 1',
        '#2 3.000 b line 2',
        '#2 4.000 b line 3',
        '#2 5.000 b line 4',
        '#2 6.000 b line 5',
        '#2 ...',
        '',
        '#1 [a 1/1] RUN ./build-a.sh',
        '#1 5.500 a line 5',
        '#1 6.500 a line 6',
        '#1 DONE 7.0s',
        '',
        '#2 [b 1/1] RUN ./build-b.sh',
        '#2 7.000 b line 6',
        '#2 8.000 b line 7',
        '#2 DONE 8.0s',
      ),
    );
  });

  it('a pull: layer lines only on 5% of progress or at the end; existing layers said once', async () => {
    expect(await renderPlain(pullBuild())).toBe(
      lines(
        '#1 [1/2] FROM docker.io/library/alpine:3.19',
        '#1 resolve docker.io/library/alpine:3.19',
        '#1 resolve docker.io/library/alpine:3.19 done',
        `#1 ${LAYER_B} already exists`,
        `#1 ${LAYER_A} 100.00kB / 3.40MB`,
        `#1 ${LAYER_A} 1.00MB / 3.40MB 0.0s`,
        `#1 ${LAYER_A} 3.40MB / 3.40MB 0.2s`,
        `#1 ${LAYER_A} 3.40MB / 3.40MB 0.2s done`,
        '#1 DONE 0.3s',
        '',
        '#2 [2/2] RUN apk add --no-cache curl',
        '#2 0.110 OK: 8 MiB in 20 packages',
        '#2 DONE 0.4s',
      ),
    );
  });

  it('a slow transfer is printed again after 5 s even when it moved less than 5%', async () => {
    const total = 1_000_000_000;
    const text = await renderPlain([
      ev.started(0, 's', '[1/1] FROM x'),
      ev.pull(0, 's', LAYER_A, 'downloading', 1_000_000, total),
      ev.pull(4000, 's', LAYER_A, 'downloading', 2_000_000, total),
      ev.pull(5000, 's', LAYER_A, 'downloading', 3_000_000, total),
    ]);
    expect(text).toBe(lines('#1 [1/1] FROM x', `#1 ${LAYER_A} 1.00MB / 1.00GB`, `#1 ${LAYER_A} 3.00MB / 1.00GB 5.0s`));
  });

  it('a step that ends while another holds the output is printed at once, whole', async () => {
    const text = await renderPlain([
      ev.started(0, 'long', '[a 1/1] RUN sleep 10'),
      ev.log(10, 'long', 'started\n'),
      ev.started(20, 'quick', '[b 1/1] RUN true'),
      ev.log(30, 'quick', 'quick output\n'),
      ev.done(40, 'quick', 20),
      ev.log(50, 'long', 'still going\n'),
    ]);
    expect(text).toBe(
      lines(
        '#1 [a 1/1] RUN sleep 10',
        '#1 0.010 started',
        '#1 ...',
        '',
        '#2 [b 1/1] RUN true',
        '#2 0.010 quick output',
        '#2 DONE 0.0s',
        '',
        '#1 [a 1/1] RUN sleep 10',
        '#1 0.050 still going',
      ),
    );
  });

  it('step warnings inline, all warnings summed up at the end', async () => {
    const text = await renderPlain([
      ev.started(0, 's', '[1/1] RUN echo $X'),
      { type: 'warning', time: 1, id: 's', code: 'UndefinedVar', message: "Usage of undefined variable '$X'", range: { start: { line: 3, column: 1 }, end: { line: 3, column: 10 } } },
      ev.done(2, 's', 2),
      { type: 'warning', time: 3, id: 'build', message: 'build-arg FOO was not consumed' },
    ]);
    expect(text).toBe(
      lines(
        '#1 [1/1] RUN echo $X',
        "#1 WARN: UndefinedVar: Usage of undefined variable '$X' (line 3)",
        '#1 DONE 0.0s',
        '',
        ' 2 warnings found:',
        " - UndefinedVar: Usage of undefined variable '$X' (line 3)",
        ' - build-arg FOO was not consumed',
      ),
    );
  });

  it('offsets of late lines use fewer decimals, as BuildKit does', async () => {
    const text = await renderPlain([
      ev.started(1000, 's', 'x'),
      ev.log(1000 + 9_999, 's', 'a\n'),
      ev.log(1000 + 10_000, 's', 'b\n'),
      ev.log(1000 + 99_994, 's', 'c\n'),
      ev.log(1000 + 100_000, 's', 'd\n'),
    ]);
    expect(text).toBe(lines('#1 x', '#1 9.999 a', '#1 10.00 b', '#1 99.99 c', '#1 100.0 d'));
  });

  it('the ticker hands the output over when the holding step stays silent', async () => {
    vi.useFakeTimers({ now: 0 });
    const captured = captureOutput();
    const renderer = createPlainRenderer({ output: captured.output, now: () => Date.now() });
    renderer.sink(ev.started(0, 'a', '[a 1/1] RUN sleep 60'));
    renderer.sink(ev.started(0, 'b', '[b 1/1] RUN make'));
    vi.setSystemTime(100);
    renderer.sink(ev.log(100, 'b', 'cc -c main.c\n'));
    expect(captured.text()).toBe(lines('#1 [a 1/1] RUN sleep 60'));
    await vi.advanceTimersByTimeAsync(4900);
    expect(captured.text()).toBe(lines('#1 [a 1/1] RUN sleep 60'));
    await vi.advanceTimersByTimeAsync(500);
    expect(captured.text()).toBe(lines('#1 [a 1/1] RUN sleep 60', '#1 ...', '', '#2 [b 1/1] RUN make', '#2 0.100 cc -c main.c'));
    await renderer.finish();
  });

  it('finish prints what was still waiting (unfinished lines too), and nothing after it', async () => {
    const captured = captureOutput();
    const renderer = createPlainRenderer({ output: captured.output, now: () => 0 });
    renderer.sink(ev.started(0, 'a', 'A'));
    renderer.sink(ev.started(0, 'b', 'B'));
    renderer.sink(ev.log(1, 'b', 'partial'));
    await renderer.finish();
    renderer.sink(ev.log(2, 'a', 'ignored\n'));
    await renderer.finish();
    expect(captured.text()).toBe(lines('#1 A', '#1 ...', '', '#2 B', '#2 0.001 partial'));
  });
});
