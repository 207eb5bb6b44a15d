import { countSteps } from '../../events/index.js';
import type { BuildState, StepState, TaskState } from '../../events/index.js';
import {
  displayWidth,
  formatBytes,
  formatSeconds,
  formatTaskOutcome,
  formatWarning,
  padToWidth,
  sanitizeLine,
  truncateToWidth,
} from './format.js';

/** Lines of a running step's output shown under it (BuildKit's default terminal height). */
export const TAIL_LINES = 6;
/** Columns the output tail leaves free on the right (BuildKit's termPad). */
const TAIL_PAD = 10;

export interface FrameOptions {
  readonly now: number;
  readonly columns: number;
  readonly rows: number;
  /** The closing frame: every step, no height limit, `FINISHED` when all ended. */
  readonly final: boolean;
  readonly color: boolean;
  /** How often each step's output tail has been shown (keeps tails from jumping between steps). */
  readonly tailCounts: Map<string, number>;
}

type Tone = 'plain' | 'done' | 'error' | 'canceled' | 'warning';

interface Job {
  readonly kind: 'step' | 'task' | 'warning';
  readonly step: StepState;
  readonly name: string;
  readonly status: string;
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  readonly tone: Tone;
  /** For a step's own line: whether its output tail is drawn under it. */
  tail: boolean;
}

const COLORS: Record<Tone, string> = {
  plain: '',
  done: '\x1b[34m',
  error: '\x1b[31m',
  canceled: '\x1b[33m',
  warning: '\x1b[33m',
};
const FAINT = '\x1b[2m';
const RESET = '\x1b[0m';

/**
 * One frame of the live view, as lines (no newlines):
 *
 *     [+] Building 12.3s (7/9)
 *      => [builder 2/5] WORKDIR /app                                     0.1s
 *      => CACHED [builder 3/5] COPY package.json ./                      0.0s
 *      => [builder 4/5] RUN npm install                                  4.2s
 *      => => # added 57 packages in 3s
 *
 * Steps in the order they started (parallel stages interleave, each line labelled with its stage),
 * sub-tasks under their step, the last lines of running steps' output while the screen has room.
 * Every line fits in `columns - 1` columns.
 */
export function renderFrame(state: BuildState, options: FrameOptions): string[] {
  const { columns, rows, now, final } = options;
  const { completed, total } = countSteps(state);
  const end = final ? (state.finished?.time ?? now) : now;
  const elapsed = formatSeconds(end - (state.startedAt ?? end));
  const finished = final && completed > 0 && completed === total ? ' FINISHED' : '';
  const lines = [truncateToWidth(`[+] Building ${elapsed}s (${completed}/${total})${finished}`, columns - 1)];

  const jobs = collectJobs(state);
  const hidden = chooseTails(jobs, options);
  const shown = final ? jobs : fitHeight(jobs, rows - 2 - hidden);
  for (const job of shown) {
    const line = formatJob(job, columns, end);
    if (line === undefined) continue;
    lines.push(paint(line, job.endedAt === undefined ? 'plain' : job.tone, options.color));
    if (job.tail && !final) {
      for (const text of tailOf(job.step)) {
        const body = ` => => # ${truncateToWidth(text, columns - TAIL_PAD)}`;
        lines.push(options.color ? `${FAINT}${body}${RESET}` : body);
      }
      options.tailCounts.set(job.step.id, (options.tailCounts.get(job.step.id) ?? 0) + 1);
    }
  }
  return lines;
}

function collectJobs(state: BuildState): Job[] {
  const jobs: Job[] = [];
  for (const step of state.steps.values()) {
    const prefix = { running: '', done: '', cached: 'CACHED ', failed: 'ERROR ', canceled: 'CANCELED ' }[step.status];
    const tone: Tone = step.status === 'failed' ? 'error' : step.status === 'canceled' ? 'canceled' : 'done';
    jobs.push({
      kind: 'step',
      step,
      name: prefix + oneLine(step.label),
      status: '',
      startedAt: step.startedAt,
      endedAt: step.finishedAt,
      tone,
      tail: false,
    });
    const tasks = [...step.tasks.values()].filter((task) => task.startedAt !== undefined);
    tasks.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
    for (const task of tasks) {
      if (task.startedAt === undefined) continue;
      jobs.push({
        kind: 'task',
        step,
        name: `=> ${oneLine(task.name)}`,
        status: taskStatus(task),
        startedAt: task.startedAt,
        endedAt: task.completedAt,
        tone: 'done',
        tail: false,
      });
    }
    for (const warning of step.warnings) {
      jobs.push({
        kind: 'warning',
        step,
        name: `WARN: ${oneLine(formatWarning(warning))}`,
        status: '',
        startedAt: step.startedAt,
        endedAt: step.finishedAt,
        tone: 'warning',
        tail: false,
      });
    }
  }
  return jobs;
}

function taskStatus(task: TaskState): string {
  if (task.outcome === 'exists' || task.outcome === 'mounted') return formatTaskOutcome(task).trim();
  if (task.total > 0) return `${formatBytes(task.current)} / ${formatBytes(task.total)}`;
  return task.current > 0 ? formatBytes(task.current) : '';
}

/**
 * Marks the running steps whose output tail is drawn: those with output, the busiest (and those
 * shown before) first, while the screen keeps room for them. Returns the rows they take.
 */
function chooseTails(jobs: Job[], options: FrameOptions): number {
  if (options.final) return 0;
  const running = jobs.filter((job) => job.endedAt === undefined).length;
  const weight = (job: Job): number => job.step.logBytes + (options.tailCounts.get(job.step.id) ?? 0) * 50;
  const candidates = jobs
    .filter((job) => job.kind === 'step' && job.step.status === 'running' && job.step.logBytes > 0)
    .sort((a, b) => weight(b) - weight(a));
  let free = options.rows - 2 - running;
  let used = 0;
  for (const job of candidates) {
    if (free <= TAIL_LINES + 3) break;
    job.tail = true;
    used += tailOf(job.step).length;
    free -= TAIL_LINES + 3;
  }
  return used;
}

/** The last non-blank lines of a step's output, the unfinished one included, made safe to draw. */
function tailOf(step: StepState): string[] {
  const texts = step.logs.map((line) => line.text);
  if (step.partialLog !== undefined) texts.push(step.partialLog.text);
  return texts
    .map(sanitizeLine)
    .filter((text) => text.trim() !== '')
    .slice(-TAIL_LINES);
}

/**
 * At most `limit` lines: the latest ones, but a running step pushed off the top takes the place of
 * an ended one, so what is still running stays in view.
 */
function fitHeight(jobs: Job[], limit: number): Job[] {
  if (limit <= 0) return [];
  if (jobs.length <= limit) return jobs;
  const keep = new Set<Job>();
  const running = jobs.filter((job) => job.endedAt === undefined).slice(-limit);
  for (const job of running) keep.add(job);
  for (let i = jobs.length - 1; i >= 0 && keep.size < limit; i--) keep.add(jobs[i] as Job);
  return jobs.filter((job) => keep.has(job));
}

/** ` => name [status]` padded so the timer ends one column before the edge; undefined if too narrow. */
function formatJob(job: Job, columns: number, now: number): string | undefined {
  const ms = (job.endedAt ?? now) - job.startedAt;
  const timer = ms < 50 ? '0.0s' : `${formatSeconds(ms)}s`;
  const prefix = ' => ';
  let left = columns - prefix.length - (timer.length + 2) - 1;
  // BuildKit's rule: a status goes beside the name when there is room for both; where the screen
  // is too narrow for both, the status goes first (BuildKit drops the whole line).
  let showStatus = false;
  if (job.status !== '' && left + job.status.length > 20 && left - job.status.length - 1 >= 12) {
    showStatus = true;
    left -= job.status.length + 1;
  }
  if (left < 12) return undefined;
  let text = prefix + truncateToWidth(job.name, left);
  if (showStatus) text += ` ${job.status}`;
  const room = columns - (timer.length + 2) - 1;
  return `${padToWidth(text, room)}  ${timer}`;
}

function paint(line: string, tone: Tone, color: boolean): string {
  const code = COLORS[tone];
  return color && code !== '' ? `${code}${line}${RESET}` : line;
}

/** Tabs and line breaks in a label become spaces, other control characters go. */
function oneLine(text: string): string {
  return sanitizeLine(text.replace(/[\t\r\n]/g, ' '));
}

/** Exposed for tests: the width a drawn line takes (escape sequences excluded). */
export function visibleWidth(line: string): number {
  // eslint-disable-next-line no-control-regex -- measuring text without its colour codes
  return displayWidth(line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''));
}
