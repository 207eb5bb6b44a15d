import { describe, expect, it } from 'vitest';
import { epochTime, HISTORY_COMMENT, settleHistory } from './history-times.js';

const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-02-01T00:00:00Z';
const T2 = '2024-03-01T00:00:00Z';

describe('settleHistory', () => {
  it('gives config-only entries the time of the next layer (before any layer) or of the layer before', () => {
    const { history, created } = settleHistory(
      [{ created: T0, created_by: 'base' }],
      [
        { createdBy: 'ENV A=1', emptyLayer: true },
        { createdBy: 'RUN x # buildkit', emptyLayer: false, created: T1 },
        { createdBy: 'LABEL a=b', emptyLayer: true },
        { createdBy: 'COPY . . # buildkit', emptyLayer: false, created: T2 },
        { createdBy: 'CMD ["x"]', emptyLayer: true },
      ],
      undefined,
    );
    expect(history.map((h) => h.created)).toEqual([T0, T1, T1, T1, T2, T2]);
    expect(history[1]).toEqual({ created: T1, created_by: 'ENV A=1', comment: HISTORY_COMMENT, empty_layer: true });
    expect(history[2]).toEqual({ created: T1, created_by: 'RUN x # buildkit', comment: HISTORY_COMMENT });
    expect(created).toBe(T2);
  });

  it('with SOURCE_DATE_EPOCH every added entry takes it and the base keeps its own times', () => {
    const epoch = epochTime(1_700_000_000);
    expect(epoch).toBe('2023-11-14T22:13:20Z');
    const { history, created } = settleHistory(
      [{ created: T2, created_by: 'base' }],
      [
        { createdBy: 'RUN x # buildkit', emptyLayer: false, created: T1 },
        { createdBy: 'ENV A=1', emptyLayer: true },
      ],
      epoch,
    );
    expect(history.map((h) => h.created)).toEqual([T2, epoch, epoch]);
    expect(created).toBe(epoch);
  });

  it('an image with nothing added keeps the base time as its own', () => {
    expect(settleHistory([{ created: T0 }, { created: T1 }], [], undefined).created).toBe(T1);
    expect(settleHistory([], [{ createdBy: 'ENV A=1', emptyLayer: true }], undefined)).toEqual({
      history: [{ created_by: 'ENV A=1', comment: HISTORY_COMMENT, empty_layer: true }],
      created: undefined,
    });
  });
});
