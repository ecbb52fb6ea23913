import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { openDatabase } from '../../../src/db/client.js';
import { generateKey } from '../../../src/lib/crypto.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';
import { freePort, removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { ROOT } from '../../support/shared.js';

/** The Redis database the worker is pointed at: not 0, to show the number in REDIS_URL is honoured. */
const REDIS_DB = 7;
const redisUrlWithDb = `${TEST_REDIS_URL.replace(/\/\d*$/, '')}/${REDIS_DB}`;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `metabuyer worker` as operators run it: a process, its HTTP endpoints, and SIGTERM. */
describe('metabuyer worker process', () => {
  const prefix = uniquePrefix('proc');
  let db: TestDatabase;
  let child: ChildProcess;
  let port: number;
  let stderr = '';
  let exit: Promise<number | null>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const database = await openDatabase({ databaseUrl: db.url, home: '/nonexistent-home' });
    await database.migrate();
    await database.close();
    port = await freePort();
    child = spawn(process.execPath, [path.join(ROOT, 'bin', 'metabuyer.js'), 'worker'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: db.url,
        REDIS_URL: redisUrlWithDb,
        METRICS_PORT: String(port),
        METABUYER_QUEUE_PREFIX: prefix,
        METABUYER_ENCRYPTION_KEY: generateKey().toString('base64'),
        WORKER_SHUTDOWN_TIMEOUT_MS: '5000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await removeQueues(redisUrlWithDb, prefix);
    await db?.drop();
  });

  it('serves /healthz (200, JSON) and /metrics (Prometheus text) on METRICS_PORT', async () => {
    const health = await until(
      '/healthz',
      async () => {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        return r.status === 200 ? r : undefined;
      },
      // tsx compiles the sources at start: slow on a busy machine.
      100_000,
    );
    expect(health.headers.get('content-type')).toContain('application/json');
    expect(await health.json()).toMatchObject({
      status: 'ok',
      checks: { redis: { status: 'ok' }, postgres: { status: 'ok' } },
    });

    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain('# TYPE metabuyer_polls_total counter');
    expect(text).toContain('# TYPE metabuyer_job_duration_seconds histogram');
    for (const q of ['poll', 'execute', 'rollback', 'slack', 'maintenance', 'reconcile']) {
      expect(text).toContain(`metabuyer_queue_jobs{queue="${q}",state="waiting"} 0`);
    }
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
  }, 120_000);

  it('keeps its queues in the Redis database REDIS_URL names', async () => {
    const redis = new Redis(redisUrlWithDb, { maxRetriesPerRequest: 2 });
    const other = new Redis(TEST_REDIS_URL.replace(/\/\d*$/, '/0'), { maxRetriesPerRequest: 2 });
    try {
      expect((await redis.keys(`${prefix}:*`)).length).toBeGreaterThan(0);
      expect(await other.keys(`${prefix}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
      other.disconnect();
    }
  });

  it('on SIGTERM stops gracefully and exits 0 within the deadline', async () => {
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await exit;
    expect(code).toBe(0);
    // The deadline (5 s) plus closing connections, on a machine that may be busy.
    expect(Date.now() - started).toBeLessThan(5_000 + 5_000);
    expect(stderr).toContain('"msg":"worker stopped"');
  });
});

describe('metabuyer worker refuses to start without its services', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: {
        out: (t: string) => {
          out.stdout += t;
        },
        err: (t: string) => {
          out.stderr += t;
        },
      },
    };
  };

  it('exits 2 naming REDIS_URL when it is not set', async () => {
    const { out, io: sink } = io();
    const code = await main(['worker'], { DATABASE_URL: 'postgres://u@127.0.0.1:5432/x' }, { io: sink });
    expect(code).toBe(2);
    expect(out.stderr).toContain('REDIS_URL');
  });

  it('exits 2 naming DATABASE_URL when it is not set', async () => {
    const { out, io: sink } = io();
    const code = await main(['worker'], { REDIS_URL: 'redis://127.0.0.1:6379' }, { io: sink });
    expect(code).toBe(2);
    expect(out.stderr).toContain('DATABASE_URL');
  });
});
