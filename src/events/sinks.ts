import type { BuildEvent, BuildEventType, EventSink } from './build-event.js';

/** A sink that passes each event to every sink in order; one that throws does not starve the others. */
export function fanOutSink(...sinks: readonly EventSink[]): EventSink {
  return (event) => {
    let failure: { error: unknown } | undefined;
    for (const sink of sinks) {
      try {
        sink(event);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  };
}

/** A sink that drops everything. */
export const discardSink: EventSink = () => undefined;

export interface RecordingSink {
  readonly sink: EventSink;
  /** Every event received, in order. */
  readonly events: readonly BuildEvent[];
  /** The events of one type, in order. */
  ofType<T extends BuildEventType>(type: T): Extract<BuildEvent, { type: T }>[];
  /** The events about one step id, in order. */
  forStep(id: string): BuildEvent[];
}

/** A sink that keeps what it receives (for tests, and to replay a build into a renderer). */
export function createRecordingSink(): RecordingSink {
  const events: BuildEvent[] = [];
  return {
    sink: (event) => {
      events.push(event);
    },
    events,
    ofType: <T extends BuildEventType>(type: T) =>
      events.filter((event): event is Extract<BuildEvent, { type: T }> => event.type === type),
    forStep: (id) => events.filter((event) => event.id === id),
  };
}
