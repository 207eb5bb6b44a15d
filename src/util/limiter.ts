/** Runs at most `limit` tasks at once (at least one); the others wait in order. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
  const max = Math.max(1, Math.floor(limit));
  let running = 0;
  // a queue read from `head` on: Array#shift moves every waiting entry (thousands for a big COPY)
  let waiting: (() => void)[] = [];
  let head = 0;
  const next = (): void => {
    const go = waiting[head];
    if (go === undefined) return;
    waiting[head++] = undefined as unknown as () => void;
    if (head > 1024 && head * 2 > waiting.length) {
      waiting = waiting.slice(head);
      head = 0;
    }
    go();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((go) => waiting.push(go));
    running++;
    try {
      return await task();
    } finally {
      running--;
      next();
    }
  };
}
