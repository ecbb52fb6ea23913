import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../../src/lib/limiter.js';

describe('createLimiter', () => {
  it('never runs more tasks at once than allowed, and starts them in arrival order', async () => {
    const run = createLimiter(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const tasks = Array.from({ length: 7 }, (_, i) =>
      run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return i * 10;
      }),
    );
    expect(await Promise.all(tasks)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('frees its place when a task fails, and passes the failure on', async () => {
    const run = createLimiter(1);
    await expect(run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await run(async () => 'next')).toBe('next');
  });

  it('refuses a concurrency below one', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
