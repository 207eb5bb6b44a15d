import { createEventCollector } from '../../events/index.js';
import type { BuildEvent, StepState, TaskState } from '../../events/index.js';
import { formatSeconds, formatTaskStatus, formatWarning, formatWarningSummary } from './format.js';
import { formatErrorLogs, formatLogLine } from './summary.js';
import { writeOut } from './types.js';
import type { ProgressOutput, ProgressRenderer } from './types.js';

/** How long the step being printed keeps the output while others wait (BuildKit's anti-flicker). */
const HOLD_MS = 5000;
/** A sub-task line is printed again only after this much time or this much progress. */
const STATUS_MS = 5000;
const STATUS_FRACTION = 0.05;
const TICK_MS = 500;

export interface PlainRendererOptions {
  readonly output: ProgressOutput;
  /** The clock events are stamped with (default `performance.now`). */
  readonly now?: () => number;
}

interface Vertex {
  readonly step: StepState;
  /** BuildKit's `#N`, given when the step is first printed. */
  index: number | undefined;
  /** Lines not printed yet (without `#N `); a keyed line replaces an unprinted one with its key. */
  items: { text: string; key: string | undefined }[];
  /** Whether it has something to print (its header, at least). */
  wanted: boolean;
  waitingSince: number;
  ended: boolean;
  endedAt: number;
}

/**
 * BuildKit's plain output: each step as a block headed `#N [stage i/n] INSTRUCTION`, its output
 * lines as `#N 0.512 text`, its sub-tasks, and `#N DONE 4.2s` / `#N CACHED` / `#N ERROR: ...`.
 * One step holds the output at a time; the others' lines wait until it ends or has held it for 5 s
 * (then `#N ...` marks where it was cut off), so parallel steps come out in readable blocks.
 */
export function createPlainRenderer(options: PlainRendererOptions): ProgressRenderer {
  const now = options.now ?? (() => performance.now());
  const collector = createEventCollector({ logLines: 10 });
  const vertices = new Map<string, Vertex>();
  const printedStatus = new Map<string, { current: number; time: number; ended: boolean }>();
  let current: Vertex | undefined;
  let currentSince = 0;
  let printedAny = false;
  let nextIndex = 0;
  let out = '';
  let timer: ReturnType<typeof setInterval> | undefined;
  let finishing: Promise<void> | undefined;

  const emit = (line: string): void => {
    out += `${line}\n`;
  };
  const flushOut = (): void => {
    if (out === '') return;
    const chunk = out;
    out = '';
    void writeOut(options.output, chunk);
  };

  const enqueue = (vertex: Vertex, item: { text: string; time: number; key?: string }): void => {
    const { text, time, key } = item;
    const same = key === undefined ? -1 : vertex.items.findIndex((item) => item.key === key);
    if (same !== -1) vertex.items.splice(same, 1);
    vertex.items.push({ text, key });
    if (!vertex.wanted) vertex.waitingSince = time;
    vertex.wanted = true;
  };

  const print = (vertex: Vertex, time: number): void => {
    if (vertex !== current) {
      if (current !== undefined && !current.ended) emit(`#${current.index ?? 0} ...`);
      if (printedAny) emit('');
      printedAny = true;
      vertex.index ??= ++nextIndex;
      emit(`#${vertex.index} ${vertex.step.label}`);
      current = vertex;
      currentSince = time;
    }
    for (const item of vertex.items) emit(`#${vertex.index ?? 0} ${item.text}`);
    vertex.items = [];
    vertex.wanted = false;
    if (vertex.ended) current = undefined;
  };

  const pump = (time: number, drain: boolean): void => {
    const all = [...vertices.values()];
    const ended = all.filter((v) => v.wanted && v.ended).sort((a, b) => a.endedAt - b.endedAt);
    if (current !== undefined && ended.includes(current)) print(current, time);
    for (const vertex of ended) if (vertex.wanted) print(vertex, time);
    if (current?.wanted === true) print(current, time);
    const waiting = all.filter((v) => v.wanted).sort((a, b) => a.waitingSince - b.waitingSince);
    if (drain) {
      for (const vertex of waiting) print(vertex, time);
      return;
    }
    const next = waiting[0];
    if (next !== undefined && (current === undefined || time - currentSince >= HOLD_MS)) print(next, time);
  };

  const statusLine = (step: StepState, task: TaskState): string | undefined => {
    if (task.startedAt === undefined) return undefined;
    const key = `${step.id}\u0000${task.key}`;
    const last = printedStatus.get(key);
    if (last?.ended === true) return undefined;
    if (last !== undefined && task.completedAt === undefined) {
      const moved = task.total > 0 ? (task.current - last.current) / task.total : 0;
      if (moved < STATUS_FRACTION && task.updatedAt - last.time < STATUS_MS) return undefined;
    }
    printedStatus.set(key, { current: task.current, time: task.updatedAt, ended: task.completedAt !== undefined });
    return formatTaskStatus(task);
  };

  const handle = (event: BuildEvent): void => {
    if (finishing !== undefined) return;
    timer ??= startTicker();
    const effect = collector.apply(event);
    const step = effect.step;
    if (!effect.applied || step === undefined) return;
    let vertex = vertices.get(step.id);
    if (vertex === undefined) {
      vertex = { step, index: undefined, items: [], wanted: true, waitingSince: event.time, ended: false, endedAt: 0 };
      vertices.set(step.id, vertex);
    }
    for (const line of effect.lines) enqueue(vertex, { text: formatLogLine(step, line), time: event.time });
    if (effect.task !== undefined) {
      const text = statusLine(step, effect.task);
      if (text !== undefined) enqueue(vertex, { text, time: event.time, key: effect.task.key });
    }
    if (event.type === 'warning') enqueue(vertex, { text: `WARN: ${formatWarning(event)}`, time: event.time });
    const end = endText(step);
    if (end !== undefined && !vertex.ended) {
      enqueue(vertex, { text: end, time: event.time });
      vertex.ended = true;
      vertex.endedAt = event.time;
    }
    pump(event.time, false);
    flushOut();
  };

  const startTicker = (): ReturnType<typeof setInterval> => {
    const ticker = setInterval(() => {
      pump(now(), false);
      flushOut();
    }, TICK_MS);
    ticker.unref();
    return ticker;
  };

  const finish = (): Promise<void> => {
    finishing ??= (async () => {
      if (timer !== undefined) clearInterval(timer);
      const at = now();
      // A step still running when the build ends (it was interrupted) shows its unfinished line too.
      for (const vertex of vertices.values()) {
        const partial = vertex.step.partialLog;
        if (vertex.step.status === 'running' && partial !== undefined) enqueue(vertex, { text: formatLogLine(vertex.step, partial), time: at });
      }
      pump(at, true);
      out += formatErrorLogs(collector.state);
      out += formatWarningSummary(collector.state.warnings, (text) => text);
      const chunk = out;
      out = '';
      await writeOut(options.output, chunk);
    })();
    return finishing;
  };

  return { sink: handle, finish };
}

/** The line that closes a step's block, once it has ended. */
function endText(step: StepState): string | undefined {
  switch (step.status) {
    case 'running':
      return undefined;
    case 'cached':
      return 'CACHED';
    case 'done':
      return `DONE ${formatSeconds(step.durationMs ?? 0)}s`;
    case 'failed':
      return `ERROR: ${step.error ?? 'failed'}`;
    case 'canceled':
      return 'CANCELED';
  }
}
