import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { outbox } from '../../../src/db/schema/index.js';
import { cliActor } from '../../../src/domain/actor.js';
import { executeJob } from '../../../src/jobs/definitions.js';
import { JobQueues } from '../../../src/jobs/queues.js';
import { confirmExecution, confirmRollback } from '../../../src/ops/write-path.js';
import { removeQueues, startOwnRedis, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { confirmationDone, spawnWorker, until, type WorkerProcess } from '../../support/worker-process.js';
import {
  approvedWorld,
  closeWorldsAfterAll,
  logOf,
  outcomesBy,
  writesPerEntity,
} from '../../support/write-path-world.js';

/**
 * Work handed to a worker survives what happens around it: a Redis flushed mid-run (the outbox relay hands
 * the lost job again; runConfirmation makes the second run report instead of write) and a SIGTERM during a
 * slow write (the write completes and is logged; the process exits 0).
 */
closeWorldsAfterAll();
const workers: WorkerProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  for (const c of cleanups) await c().catch(() => {});
});
const tester = cliActor('tester');
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('writes handed to a worker', () => {
  it.concurrent('run once when Redis is flushed mid-run, and finished ones never run again', async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.stop());
    const { h, plan } = await approvedWorld();
    const prefix = uniquePrefix('flush');
    const w = await spawnWorker(h, { REDIS_URL: redis.url, METABUYER_QUEUE_PREFIX: prefix });
    workers.push(w);

    const executed = await confirmExecution(h.ctx, { confirm: 'sandbox', actor: tester });
    await confirmationDone(h, executed.id, 90_000);
    expect(total(await writesPerEntity(h))).toBe(plan.length);

    // The rollback's writes are slow: Redis is flushed while the first of them is in flight.
    await h.fault({ method: 'POST', path: '^/\\d+$', delay_ms: 1_500, times: plan.length });
    const rollback = await confirmRollback(h.ctx, { confirm: 'sandbox', actor: tester, limit: 10 });
    await until(
      'the rollback writing',
      async () => {
        const log = await logOf(h);
        return log.some((e) => e.kind === 'rollback' && e.event === 'intent') ? true : undefined;
      },
      60_000,
    );
    const admin = new Redis(redis.url);
    expect(await admin.flushall()).toBe('OK');
    admin.disconnect();

    const done = await confirmationDone(h, rollback.id, 60_000);
    expect(done.result).toMatchObject({ rolled_back: plan.length, failed: 0 });
    // The relay noticed the job was gone from Redis and handed it again.
    expect(w.output()).toContain('outbox job missing from Redis: handed again');
    for (const n of (await writesPerEntity(h)).values()) expect(n).toBe(2);
    const log = await logOf(h);
    for (const events of outcomesBy(log, 'execute').values()) expect(events).toEqual(['applied']);
    // One outcome per rolled-back write (action-log --json spells it rollback_of).
    const undone = log.filter((e) => e.kind === 'rollback' && e.event !== 'intent');
    expect(undone.map((e) => e.event)).toEqual(plan.map(() => 'applied'));
    const undoneOf = undone.map((e) => (e as unknown as { rollback_of: string }).rollback_of);
    expect(new Set(undoneOf).size).toBe(plan.length);
    const { db } = await h.ctx.database();
    await until(
      'outbox settled',
      async () => ((await db.select().from(outbox)).every((r) => r.state === 'done') ? true : undefined),
      10_000,
    );

    // Asked again after the flush (Redis no longer remembers it): the finished execution writes nothing.
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    conn.on('error', () => {});
    const queues = new JobQueues(conn, prefix);
    const again = await queues.enqueue(executeJob, { v: 1, confirmationId: executed.id }, { jobId: 'again' });
    await until(
      'the repeated job done',
      async () => ((await again.getState()) === 'completed' ? true : undefined),
      30_000,
    );
    await queues.close();
    conn.disconnect();
    for (const n of (await writesPerEntity(h)).values()) expect(n).toBe(2);

    w.kill('SIGTERM');
    expect((await w.exited).code, w.output()).toBe(0);
  }, 150_000);

  it.concurrent('finish a slow write when stopped with SIGTERM, log it, and exit 0', async () => {
    const { h, plan } = await approvedWorld();
    const prefix = uniquePrefix('sigterm');
    cleanups.push(() => removeQueues(TEST_REDIS_URL, prefix));
    const w = await spawnWorker(h, { REDIS_URL: TEST_REDIS_URL, METABUYER_QUEUE_PREFIX: prefix });
    workers.push(w);
    await h.fault({ method: 'POST', path: '^/\\d+$', delay_ms: 3_000, times: 1 });
    const conf = await confirmExecution(h.ctx, { confirm: 'sandbox', actor: tester });
    await until(
      'the first write in flight',
      async () => ((await logOf(h)).some((e) => e.event === 'intent') ? true : undefined),
      90_000,
    );
    w.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit.code, w.output()).toBe(0);

    const { db } = await h.ctx.database();
    const { confirmationById } = await import('../../../src/db/repos/confirmations.js');
    expect((await confirmationById(db, conf.id))?.status).toBe('done');
    const writes = await writesPerEntity(h);
    for (const a of plan) expect(writes.get(a.entity_id), a.key).toBe(1);
    for (const events of outcomesBy(await logOf(h), 'execute').values()) expect(events).toEqual(['applied']);
  }, 150_000);
});
