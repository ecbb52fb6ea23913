/**
 * Runs at most `concurrency` tasks at a time, the rest in arrival order. The Slack app acks every
 * request at once and queues the work behind it here, so a burst of commands cannot hold back the acks
 * of the requests still arriving (Slack gives each 3 s), however much database work the burst brings.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be ≥ 1');
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // The place is taken now, before any await, so a burst cannot overbook it; a waiter inherits the
    // place of the task that finishes. A first task still yields once, letting the ack be written.
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else {
      running++;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
