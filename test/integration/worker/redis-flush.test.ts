import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allAgents, insertAgent, updateAgent } from '../../../src/db/repos/agents.js';
import { pollSchedulerId } from '../../../src/jobs/poll-schedules.js';
import { newId } from '../../../src/lib/ids.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { type OwnRedis, startOwnRedis } from '../../support/redis.js';

/**
 * Postgres is the truth for schedules: a Redis that lost everything (FLUSHALL, a new instance) gets
 * exactly one schedule per agent that should poll when the worker starts, and no more on a restart.
 * Uses a redis-server of its own, since it flushes.
 */
describe('poll schedules survive a Redis flush', () => {
  let redisServer: OwnRedis;
  let h: OpsHarness;
  let redis: Redis;
  let poll: Queue;
  let worker: RunningWorker | undefined;
  let ids: { first: string; second: string; halted: string };

  beforeAll(async () => {
    redisServer = await startOwnRedis();
    h = await startOpsHarness({ env: { REDIS_URL: redisServer.url } });
    await h.onboard();
    const { db } = await h.ctx.database();
    const [first] = await allAgents(db);
    const base = { connectionId: first!.connectionId, currency: first!.currency, config: first!.config };
    const second = await insertAgent(db, { id: newId('agent'), adAccountId: 'act_2000000002', ...base });
    const halted = await insertAgent(db, {
      id: newId('agent'),
      adAccountId: 'act_3000000003',
      ...base,
      halted: true,
      haltedReason: 'client offboarding',
      haltedBy: 'cli:tester',
    });
    ids = { first: first!.id, second: second.id, halted: halted.id };
    // Ran a moment ago: their next slots are hours away, so starting the worker polls nothing here.
    for (const id of [first!.id, second.id]) await updateAgent(db, id, { lastRunAt: new Date() }, new Date());
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: 2 });
    redis.on('error', () => {});
    poll = new Queue('poll', { connection: redis, prefix: h.ctx.config.worker.queuePrefix });
    poll.on('error', () => {});
  });

  afterAll(async () => {
    await worker?.close(2_000);
    await poll?.close();
    redis?.disconnect();
    await h?.close();
    await redisServer?.stop();
  });

  const keys = async () => (await poll.getJobSchedulers(0, -1, true)).map((s) => s.key).sort();
  const expected = () => [pollSchedulerId(ids.first), pollSchedulerId(ids.second)].sort();

  it('after FLUSHALL, starting the worker gives each polling agent exactly one schedule again', async () => {
    await redis.flushall();
    expect(await keys()).toEqual([]);
    // A scheduler for an agent that does not exist (left by another database, say) must go too.
    await poll.upsertJobScheduler(pollSchedulerId(newId('agent')), { every: 3_600_000 });

    worker = await startWorker(h.ctx, { metricsPort: 0, metricsHost: '127.0.0.1' });
    expect(await keys()).toEqual(expected());
    const first = await poll.getJobScheduler(pollSchedulerId(ids.first));
    expect(first!.every).toBe(21_600_000);
    // The next slot comes from the last run in Postgres, not from "now": a flush does not poll everyone.
    expect(Number(first!.next)).toBeGreaterThan(Date.now() + 5 * 3_600_000);
  });

  it('restarting the worker does not add schedules or move the next slot', async () => {
    const before = await poll.getJobSchedulers(0, -1, true);
    await worker!.close(2_000);
    worker = await startWorker(h.ctx, { metricsPort: 0, metricsHost: '127.0.0.1' });
    const after = await poll.getJobSchedulers(0, -1, true);
    expect(after.map((s) => s.key).sort()).toEqual(expected());
    expect(Object.fromEntries(after.map((s) => [s.key, s.next]))).toEqual(
      Object.fromEntries(before.map((s) => [s.key, s.next])),
    );
    const delayed = await poll.getDelayed();
    expect(delayed).toHaveLength(2);
  });

  it('answers /healthz 503 naming Redis while Redis is down, and 200 once it is back', async () => {
    const url = `${worker!.http!.url}/healthz`;
    await redisServer.stop();
    const down = await fetch(url);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('unavailable');
    expect(body.checks.redis?.status).toBe('fail');
    expect(body.checks.postgres?.status).toBe('ok');

    await redisServer.restart();
    const until = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < until) {
      status = (await fetch(url)).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });

  it('pause-agent halts the agent even while Redis is down; the next worker start removes its schedule', async () => {
    await redisServer.stop();
    const started = Date.now();
    const r = await h.cli(
      'pause-agent',
      '--ad-account',
      '1000000001',
      '--reason',
      'redis maintenance window',
    );
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(6_000);
    const { db } = await h.ctx.database();
    expect((await allAgents(db)).find((a) => a.id === ids.first)!.halted).toBe(true);
    expect(h.logLines.some((l) => l.includes('poll schedule not updated now'))).toBe(true);

    await redisServer.restart();
    await worker!.close(2_000);
    worker = await startWorker(h.ctx, { metricsPort: null });
    expect(await keys()).toEqual([pollSchedulerId(ids.second)]);
  });
});
