import { describe, expect, it } from 'vitest';
import { createRecordingSink, fanOutSink } from './sinks.js';
import type { BuildEvent } from './build-event.js';

const started: BuildEvent = { type: 'step-started', time: 1, id: 's1', label: '[1/2] FROM scratch' };
const done: BuildEvent = { type: 'step-done', time: 2, id: 's1', durationMs: 1 };
const other: BuildEvent = { type: 'step-cached', time: 3, id: 's2' };

describe('sinks', () => {
  it('a recording sink keeps events in order and filters them by type and step', () => {
    const recorder = createRecordingSink();
    for (const event of [started, done, other]) recorder.sink(event);
    expect(recorder.events).toEqual([started, done, other]);
    expect(recorder.ofType('step-done')).toEqual([done]);
    expect(recorder.ofType('step-done')[0]?.durationMs).toBe(1);
    expect(recorder.forStep('s1')).toEqual([started, done]);
    expect(recorder.ofType('warning')).toEqual([]);
  });

  it('a fan-out sink gives each event to every sink, in order', () => {
    const a = createRecordingSink();
    const b = createRecordingSink();
    const sink = fanOutSink(a.sink, b.sink);
    sink(started);
    sink(done);
    expect(a.events).toEqual([started, done]);
    expect(b.events).toEqual([started, done]);
  });

  it('a sink that throws does not starve the ones after it; the first error comes out', () => {
    const after = createRecordingSink();
    const sink = fanOutSink(
      () => {
        throw new Error('first');
      },
      () => {
        throw new Error('second');
      },
      after.sink,
    );
    expect(() => {
      sink(started);
    }).toThrow('first');
    expect(after.events).toEqual([started]);
  });
});
