/**
 * Redis for worker tests. The shared Redis (TEST_REDIS_URL) is used by everyone: tests there isolate by
 * a unique BullMQ prefix and never flush. A test that must flush starts its own redis-server on a free
 * port and stops it afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export function uniquePrefix(what = 'test'): string {
  return `mbtest-${what}-${randomBytes(5).toString('hex')}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface OwnRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop). */
  restart(): Promise<void>;
}

async function waitForPing(url: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return;
    } catch {
      r.disconnect();
      if (Date.now() > until) throw new Error(`redis-server at ${url} did not start`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await waitForPing(url);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return { url, port, stop, restart: start };
}

/** Removes every queue of a test prefix (jobs, schedulers, events) with a connection of its own. */
export async function removeQueues(url: string, prefix: string): Promise<void> {
  const { Queue } = await import('bullmq');
  const { QUEUE_NAMES } = await import('../../src/jobs/definitions.js');
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    for (const name of QUEUE_NAMES) {
      const q = new Queue(name, { connection: redis, prefix });
      await q.obliterate({ force: true }).catch(() => {});
      await q.close();
    }
    // Keys of our own under the prefix (Slack pacing tokens).
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
