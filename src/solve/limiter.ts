/** Runs at most `limit` tasks at once; the others wait in order. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
  const max = Math.max(1, Math.floor(limit));
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((go) => waiting.push(go));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

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
