import { describe, expect, it } from 'vitest';
import { countSteps, createEventCollector } from './collect-events.js';
import type { BuildEvent } from './build-event.js';
import { LAYER_A, LAYER_B, ev, failingBuild, pullBuild, twoStageBuild } from './testing/recorded-builds.js';

function collect(events: readonly BuildEvent[], logLines?: number) {
  const collector = createEventCollector(logLines === undefined ? {} : { logLines });
  for (const event of events) collector.sink(event);
  return collector.state;
}

describe('createEventCollector', () => {
  it('follows each step from start to its end, in start order', () => {
    const state = collect(twoStageBuild());
    const summary = [...state.steps.values()].map((s) => [s.id, s.order, s.status, s.startedAt, s.finishedAt, s.durationMs]);
    expect(summary).toEqual([
      ['b1', 0, 'done', 0, 5, 5],
      ['b2', 1, 'cached', 10, 12, 2],
      ['b3', 2, 'done', 20, 4220, 4200],
      ['f1', 3, 'done', 4230, 4240, 10],
      ['f2', 4, 'done', 4250, 4600, 340],
      ['export', 5, 'done', 4610, 4920, 310],
    ]);
    expect(state.target).toBe('stage-1');
    expect(state.totalSteps).toBe(5);
    expect(countSteps(state)).toEqual({ completed: 6, total: 6 });
    expect(state.finished?.imageId).toMatch(/^sha256:/);
    expect(state.steps.get('b3')?.stage).toBe('builder');
  });

  it('keeps the last N lines of output and the time each began', () => {
    const events: BuildEvent[] = [ev.started(0, 's', '[1/1] RUN seq 1 5')];
    for (let i = 1; i <= 5; i++) events.push(ev.log(i * 10, 's', `${i}\n`));
    events.push(ev.log(60, 's', 'tail'));
    const state = collect(events, 3);
    const step = state.steps.get('s');
    expect(step?.logs.map((l) => [l.time, l.text])).toEqual([[30, '3'], [40, '4'], [50, '5']]);
    expect(step?.partialLog?.text).toBe('tail');
    expect(step?.logBytes).toBe(14);
  });

  it('flushes the unfinished line when the step ends', () => {
    const state = collect([ev.started(0, 's', 'x'), ev.log(5, 's', 'no newline'), ev.failed(9, 's', 'boom')]);
    const step = state.steps.get('s');
    expect(step?.logs.map((l) => l.text)).toEqual(['no newline']);
    expect(step?.partialLog).toBeUndefined();
    expect(step?.status).toBe('failed');
    expect(step?.error).toBe('boom');
  });

  it('says what each event changed', () => {
    const collector = createEventCollector();
    expect(collector.apply(ev.started(0, 's', 'x')).step?.id).toBe('s');
    expect(collector.apply(ev.log(1, 's', 'a\nb')).lines.map((l) => l.text)).toEqual(['a']);
    expect(collector.apply(ev.done(2, 's', 2)).lines.map((l) => l.text)).toEqual(['b']);
    const revision = collector.state.revision;
    // After its end, a step takes no more events; an unknown step none at all.
    expect(collector.apply(ev.log(3, 's', 'late\n')).applied).toBe(false);
    expect(collector.apply(ev.done(3, 'nope', 1)).applied).toBe(false);
    expect(collector.apply(ev.started(4, 's', 'again')).applied).toBe(false);
    expect(collector.state.revision).toBe(revision);
    expect(collector.state.steps.get('s')?.label).toBe('x');
  });

  it('tracks layer transfers: waiting ones have not started, exists ones end at once', () => {
    const state = collect(pullBuild());
    const tasks = [...(state.steps.get('from')?.tasks.values() ?? [])];
    expect(tasks.map((t) => [t.name, t.current, t.total, t.startedAt, t.completedAt, t.outcome])).toEqual([
      ['resolve docker.io/library/alpine:3.19', 0, 0, 0, 10, 'done'],
      [LAYER_A, 3_400_000, 3_400_000, 30, 270, 'done'],
      [LAYER_B, 1000, 1000, 20, 20, 'exists'],
    ]);
    const waiting = collect(pullBuild().slice(0, 5));
    expect(waiting.steps.get('from')?.tasks.get(`pull-progress:${LAYER_A}`)?.startedAt).toBeUndefined();
  });

  it('keeps warnings in order, on their step and for the build', () => {
    const state = collect([
      ev.started(0, 's', 'x'),
      { type: 'warning', time: 1, id: 's', code: 'UndefinedVar', message: "Usage of undefined variable '$X'" },
      { type: 'warning', time: 2, id: 'build', message: 'build-arg FOO was not consumed' },
    ]);
    expect(state.warnings.map((w) => w.time)).toEqual([1, 2]);
    expect(state.steps.get('s')?.warnings.map((w) => w.code)).toEqual(['UndefinedVar']);
  });

  it('counts canceled and failed steps as ended and the announced total when larger', () => {
    const state = collect(failingBuild());
    expect([...state.steps.values()].map((s) => s.status)).toEqual(['done', 'cached', 'failed', 'canceled']);
    expect(countSteps(state)).toEqual({ completed: 4, total: 4 });
    expect(countSteps(collect(twoStageBuild().slice(0, 4)))).toEqual({ completed: 1, total: 5 });
  });

  it('records stage progress', () => {
    const state = collect([
      { type: 'stage-started', time: 0, id: 'stage:builder', stage: 'builder', index: 0 },
      { type: 'stage-started', time: 0, id: 'stage:test', stage: 'test', index: 1 },
      { type: 'stage-finished', time: 5, id: 'stage:builder', stage: 'builder', index: 0, outcome: 'done' },
    ]);
    expect([...state.stageStatus]).toEqual([
      ['builder', 'done'],
      ['test', 'running'],
    ]);
    expect(state.startedAt).toBe(0);
    expect(state.lastTime).toBe(5);
  });
});
