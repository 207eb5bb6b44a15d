import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventCollector } from '../../events/index.js';
import type { BuildEvent } from '../../events/index.js';
import { IMAGE_ID, TEST_ERROR, ev, failingBuild, parallelBuild, pullBuild, twoStageBuild } from '../../events/testing/recorded-builds.js';
import { captureOutput } from './testing/capture.js';
import { renderFrame, visibleWidth } from './tty-frame.js';
import type { FrameOptions } from './tty-frame.js';
import { createTtyRenderer } from './tty-renderer.js';

// eslint-disable-next-line no-control-regex -- the test reads frames without their escape sequences
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** The text of a chunk as a person sees it (escape sequences and the cursor return removed). */
function visible(chunk: string): string[] {
  return chunk.replace(ESCAPES, '').replace(/^\r/, '').split('\n');
}

function frame(events: readonly BuildEvent[], options: Partial<FrameOptions> & { now: number }): string[] {
  const collector = createEventCollector();
  for (const event of events) collector.apply(event);
  return renderFrame(collector.state, { columns: 80, rows: 40, final: false, color: false, tailCounts: new Map(), ...options });
}

describe('tty frames', () => {
  it('the closing frame of a two-stage build: every step with its time, CACHED, sub-tasks, FINISHED', () => {
    expect(frame(twoStageBuild(), { now: 6000, final: true })).toEqual([
      '[+] Building 4.9s (6/6) FINISHED',
      ' => [builder 1/3] FROM docker.io/library/node:18                           0.0s',
      ' => CACHED [builder 2/3] COPY package.json ./                              0.0s',
      ' => [builder 3/3] RUN npm install                                          4.2s',
      ' => [stage-1 1/2] FROM docker.io/library/node:18-slim                      0.0s',
      ' => [stage-1 2/2] COPY --from=builder /app/node_modules ./node_modules     0.3s',
      ' => exporting to image                                                     0.3s',
      ' => => exporting layers                                                    0.3s',
      ` => => writing image ${IMAGE_ID.slice(0, 52)}  0.0s`,
      ' => => naming to docker.io/library/app:latest                              0.0s',
    ]);
  });

  it('parallel stages side by side, each with the last lines of its output', () => {
    const events = parallelBuild().filter((e) => e.time <= 3000);
    expect(frame(events, { now: 3050, columns: 60 })).toEqual([
      '[+] Building 3.0s (0/2)',
      ' => [a 1/1] RUN ./build-a.sh                           3.0s',
      ' => => # a line 0',
      ' => => # a line 1',
      ' => => # a line 2',
      ' => [b 1/1] RUN ./build-b.sh                           3.0s',
      ' => => # b line 0',
      ' => => # b line 1',
      ' => => # b line 2',
    ]);
  });

  it('shows at most the last 6 lines, the unfinished one included, cleaned of escapes and \\r', () => {
    const events: BuildEvent[] = [ev.started(0, 's', '[1/1] RUN ./build.sh')];
    for (let i = 1; i <= 8; i++) events.push(ev.log(i, 's', `line ${i}\n`));
    events.push(ev.log(9, 's', '\x1b[32mgreen\x1b[0m\tdone\n'), ev.log(10, 's', 'progress 10%\rprogress 90%'));
    expect(frame(events, { now: 1000, columns: 60 }).slice(2)).toEqual([
      ' => => # line 5',
      ' => => # line 6',
      ' => => # line 7',
      ' => => # line 8',
      ' => => # green   done',
      ' => => # progress 90%',
    ]);
  });

  it('no output tail when the screen is too short; running steps stay in view when steps are cut', () => {
    const events: BuildEvent[] = [];
    for (let i = 1; i <= 8; i++) events.push(ev.started(i, `s${i}`, `[${i}/9] COPY f${i} .`), ev.done(i + 1, `s${i}`, 1));
    events.push(ev.started(20, 'run', '[9/9] RUN make'), ev.log(30, 'run', 'cc main.c\n'));
    events.splice(2, 0, ev.started(1, 'slow', '[0/9] RUN ./slow'));
    const lines = frame(events, { now: 1000, rows: 6 });
    expect(lines).toEqual([
      '[+] Building 1.0s (8/10)',
      ' => [0/9] RUN ./slow                                                       1.0s',
      ' => [7/9] COPY f7 .                                                        0.0s',
      ' => [8/9] COPY f8 .                                                        0.0s',
      ' => [9/9] RUN make                                                         1.0s',
    ]);
    expect(frame(events, { now: 1000, rows: 6, final: true })).toHaveLength(11);
  });

  it.each([30, 40, 57, 80, 120])('every line fits in %i columns', (columns) => {
    for (const events of [twoStageBuild(), failingBuild().slice(0, 9), pullBuild().slice(0, 10)]) {
      for (const line of frame(events, { now: 2000, columns })) expect(visibleWidth(line)).toBeLessThanOrEqual(columns - 1);
    }
  });

  it('a narrow screen truncates names, then drops the byte counts', () => {
    const events = pullBuild().slice(0, 10);
    expect(frame(events, { now: 200, columns: 40 })).toEqual([
      '[+] Building 0.2s (0/2)',
      ' => [1/2] FROM docker.io/library/  0.2s',
      ' => => resolve docker.io/library/  0.0s',
      ' => => sha256:b2b2 already exists  0.0s',
      ' => => sha256:a1a 1.10MB / 3.40MB  0.2s',
    ]);
    expect(frame(events, { now: 200, columns: 30 })).toEqual([
      '[+] Building 0.2s (0/2)',
      ' => [1/2] FROM docker.i  0.2s',
      ' => => resolve docker.i  0.0s',
      ' => => sha256:b2b2b2b2b  0.0s',
      ' => => sha256:a1a1a1a1a  0.2s',
    ]);
  });

  it('wide characters count two columns', () => {
    const lines = frame([ev.started(0, 's', `[1/1] RUN echo ${'\u4e2d'.repeat(40)}`)], { now: 100, columns: 40 });
    expect(visibleWidth(lines[1] ?? '')).toBe(39);
    expect(lines[1]).toContain('\u4e2d');
  });

  it('colours: ended steps blue, errors red, canceled yellow, output faint', () => {
    const lines = frame(failingBuild().slice(0, 11), { now: 950, color: true });
    const blue = lines[1] ?? '';
    expect([blue.startsWith('\x1b[34m => [test 1/2] FROM '), blue.endsWith(' 0.0s\x1b[0m')]).toEqual([true, true]);
    expect(lines.find((l) => l.includes('ERROR [test 2/2]'))?.startsWith('\x1b[31m')).toBe(true);
    expect(lines.find((l) => l.includes('[build 2/2]'))).toMatch(/^ => \[build 2\/2\] RUN npm run build +0\.9s$/);
    expect(lines.find((l) => l.includes('building...'))).toBe('\x1b[2m => => # building...\x1b[0m');
    const ended = frame(failingBuild(), { now: 950, color: true, final: true });
    expect(ended.find((l) => l.includes('CANCELED'))?.startsWith('\x1b[33m => CANCELED [build 2/2]')).toBe(true);
  });
});

describe('tty renderer', () => {
  let clock = 0;
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    clock = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const at = (time: number): void => {
    vi.setSystemTime(time);
    clock = time;
  };

  function start() {
    const captured = captureOutput();
    const renderer = createTtyRenderer({ output: captured.output, columns: 60, rows: 30, color: false, now: () => clock });
    return { captured, renderer };
  }

  it('draws the first event at once, then coalesces a burst of output into one frame per 100 ms', async () => {
    const { captured, renderer } = start();
    renderer.sink(ev.started(0, 's', '[1/1] RUN yes | head -n 200'));
    expect(captured.chunks).toHaveLength(1);
    for (let i = 1; i <= 200; i++) {
      at(i / 4);
      renderer.sink(ev.log(i / 4, 's', `y${i}\n`));
    }
    expect(captured.chunks).toHaveLength(1);
    at(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(captured.chunks).toHaveLength(2);
    const second = visible(captured.chunks[1] ?? '');
    expect(second.slice(0, 2)).toEqual(['[+] Building 0.1s (0/1)', ' => [1/1] RUN yes | head -n 200                        0.1s']);
    expect(second.slice(2, 8)).toEqual(['y195', 'y196', 'y197', 'y198', 'y199', 'y200'].map((y) => ` => => # ${y}`));
    await renderer.finish();
  });

  it('draws at most 10 frames a second however fast output comes', async () => {
    const { captured, renderer } = start();
    renderer.sink(ev.started(0, 's', '[1/1] RUN make -j8'));
    for (let time = 5; time <= 1000; time += 5) {
      at(time);
      renderer.sink(ev.log(time, 's', `line at ${time}\n`));
      await vi.advanceTimersByTimeAsync(5);
    }
    // One frame at the start, then one per 100 ms: 11 in all over the second.
    expect(captured.chunks).toHaveLength(11);
    expect(visible(captured.chunks.at(-1) ?? '')[0]).toBe('[+] Building 1.0s (0/1)');
    await renderer.finish();
  });

  it('moves the cursor up over the previous frame and clears what is left below', async () => {
    const { captured, renderer } = start();
    renderer.sink(ev.started(0, 's', '[1/1] RUN make'));
    at(40);
    renderer.sink(ev.log(40, 's', 'cc main.c\n'));
    expect(captured.chunks).toHaveLength(1);
    at(120);
    await vi.advanceTimersByTimeAsync(100);
    const step = (timer: string): string => `${' => [1/1] RUN make'.padEnd(53)}  ${timer}\x1b[K\n`;
    expect(captured.chunks[0]).toBe(`\x1b[?25l[+] Building 0.0s (0/1)\x1b[K\n${step('0.0s')}\x1b[J\x1b[?25h`);
    expect(captured.chunks[1]).toBe(
      `\x1b[?25l\x1b[2A\r[+] Building 0.1s (0/1)\x1b[K\n${step('0.1s')} => => # cc main.c\x1b[K\n\x1b[J\x1b[?25h`,
    );
    at(300);
    renderer.sink(ev.done(300, 's', 300));
    renderer.sink({ type: 'build-finished', time: 300, id: 'build', durationMs: 300, imageId: IMAGE_ID });
    await renderer.finish();
    expect(captured.chunks.at(-1)).toBe(`\x1b[?25l\x1b[3A\r[+] Building 0.3s (1/1) FINISHED\x1b[K\n${step('0.3s')}\x1b[J\x1b[?25h`);
  });

  it('redraws while time passes, but not when nothing on screen changed', async () => {
    const { captured, renderer } = start();
    renderer.sink(ev.started(0, 's', '[1/1] RUN sleep 1'));
    at(100);
    await vi.advanceTimersByTimeAsync(100);
    at(200);
    await vi.advanceTimersByTimeAsync(100);
    expect(captured.chunks).toHaveLength(3);
    expect(visible(captured.chunks[2] ?? '')[0]).toBe('[+] Building 0.2s (0/1)');
    // The clock stands still: events that change nothing visible draw nothing.
    renderer.sink(ev.log(200, 's', ''));
    renderer.sink(ev.log(200, 'unknown', 'x\n'));
    await vi.advanceTimersByTimeAsync(300);
    expect(captured.chunks).toHaveLength(3);
    await renderer.finish();
  });

  it('stops its timer when the build has finished', async () => {
    const { captured, renderer } = start();
    renderer.sink(ev.started(0, 's', '[1/1] RUN true'));
    at(50);
    renderer.sink(ev.done(50, 's', 50));
    renderer.sink({ type: 'build-finished', time: 50, id: 'build', durationMs: 50, imageId: IMAGE_ID });
    await vi.advanceTimersByTimeAsync(100);
    const drawn = captured.chunks.length;
    at(5000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(captured.chunks).toHaveLength(drawn);
    expect(vi.getTimerCount()).toBe(0);
    await renderer.finish();
  });

  it('after a failure: the closing frame, then the failed step’s last output lines', async () => {
    const { captured, renderer } = start();
    for (const event of failingBuild()) {
      at(event.time);
      renderer.sink(event);
    }
    await renderer.finish();
    expect(visible(captured.chunks.at(-1) ?? '')).toEqual([
      '[+] Building 0.9s (4/4) FINISHED',
      ' => [test 1/2] FROM docker.io/library/node:18          0.0s',
      ' => CACHED [build 1/2] FROM docker.io/library/node:18  0.0s',
      ' => ERROR [test 2/2] RUN npm test                      0.9s',
      ' => CANCELED [build 2/2] RUN npm run build             0.9s',
      '------',
      ' > [test 2/2] RUN npm test:',
      '0.120 ',
      '0.120 > app@1.0.0 test',
      '0.120 > node test.js',
      '0.120 ',
      '0.845 AssertionError: expected 2 to equal 3',
      '------',
      '',
    ]);
    expect(TEST_ERROR).toContain('exit code: 1');
  });

  it('follows the terminal when it is resized', async () => {
    const captured = captureOutput();
    let size = { columns: 60, rows: 30 };
    const renderer = createTtyRenderer({ output: captured.output, color: false, getSize: () => size, now: () => clock });
    renderer.sink(ev.started(0, 's', '[1/1] RUN make'));
    size = { columns: 40, rows: 30 };
    at(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(visible(captured.chunks[0] ?? '')[1]).toBe(`${' => [1/1] RUN make'.padEnd(53)}  0.0s`);
    expect(visible(captured.chunks[1] ?? '')[1]).toBe(`${' => [1/1] RUN make'.padEnd(33)}  0.1s`);
    await renderer.finish();
  });

  it('ends with the warnings, in yellow when colours are on', async () => {
    const captured = captureOutput();
    const renderer = createTtyRenderer({ output: captured.output, columns: 60, now: () => clock });
    renderer.sink(ev.started(0, 's', '[1/1] RUN true'));
    renderer.sink({ type: 'warning', time: 0, id: 'build', code: 'JSONArgsRecommended', message: 'JSON arguments recommended for CMD', range: { start: { line: 4, column: 1 }, end: { line: 4, column: 9 } } });
    renderer.sink(ev.done(0, 's', 0));
    await renderer.finish();
    expect(captured.chunks.at(-1)).toContain('\n \x1b[33m1 warning found:\x1b[0m\n - JSONArgsRecommended: JSON arguments recommended for CMD (line 4)\n');
  });
});
