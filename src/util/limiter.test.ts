import { describe, expect, it } from 'vitest';
import { createLimiter } from './limiter.js';

describe('createLimiter', () => {
  it('never runs more than the limit at once, and starts waiting tasks in order', async () => {
    const limit = createLimiter(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const tasks = Array.from({ length: 5000 }, (_, k) =>
      limit(async () => {
        started.push(k);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((go) => setImmediate(go));
        running--;
        return k * 2;
      }),
    );
    const results = await Promise.all(tasks);
    expect(most).toBe(3);
    expect(started).toEqual(Array.from({ length: 5000 }, (_, k) => k));
    expect(results[4999]).toBe(9998);
  });

  it('goes on after a task fails, and passes the failure to its caller', async () => {
    const limit = createLimiter(1);
    const failing = limit(() => Promise.reject(new Error('boom')));
    const after = limit(() => Promise.resolve('ran'));
    await expect(failing).rejects.toThrow('boom');
    await expect(after).resolves.toBe('ran');
  });

  it('treats a limit below one as one', async () => {
    const limit = createLimiter(0);
    let running = 0;
    let most = 0;
    await Promise.all(
      [1, 2, 3].map(() =>
        limit(async () => {
          running++;
          most = Math.max(most, running);
          await Promise.resolve();
          running--;
        }),
      ),
    );
    expect(most).toBe(1);
  });
});
