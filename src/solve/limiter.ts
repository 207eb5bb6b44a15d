export { createLimiter } from '../util/limiter.js';
export type { Limiter } from '../util/limiter.js';

/**
 * Memoises async work by key: asking twice for the same key while (or after) it runs gives the
 * same promise, so the same work runs once.
 */
export class Memo<V> {
  private readonly entries = new Map<string, Promise<V>>();

  run(key: string, work: () => Promise<V>): Promise<V> {
    const existing = this.entries.get(key);
    if (existing !== undefined) return existing;
    const promise = work();
    this.entries.set(key, promise);
    return promise;
  }
}
