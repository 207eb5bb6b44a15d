import { describe, expect, it } from 'vitest';
import { createLimiter, Memo } from './limiter.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('createLimiter', () => {
  it.each([1, 2, 3])('never runs more than %d tasks at once, and runs them all', async (limit) => {
    const run = createLimiter(limit);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        run(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(limit);
  });

  it('frees the slot of a task that fails', async () => {
    const run = createLimiter(1);
    await expect(run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});

describe('Memo', () => {
  it('runs the work of one key once, however often it is asked for', async () => {
    const memo = new Memo<number>();
    let calls = 0;
    const work = async (): Promise<number> => {
      calls++;
      await tick();
      return 42;
    };
    const [a, b] = await Promise.all([memo.run('k', work), memo.run('k', work)]);
    expect([a, b, await memo.run('k', work), calls]).toEqual([42, 42, 42, 1]);
    await memo.run('other', work);
    expect(calls).toBe(2);
  });
});
