import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs } from '../../../src/db/schema/index.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { type OpsHarness, SCENARIO_NOW, startOpsHarness } from '../../support/ops-harness.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { until } from '../../support/worker-process.js';

/**
 * Meta throttles a scheduled poll: the worker waits exactly what the throttle's usage headers say
 * (estimated_time_to_regain_access, on the worker's clock) and the poll completes.
 */
describe('a scheduled poll that Meta throttles', () => {
  const prefix = uniquePrefix('throttle');
  const slept: number[] = [];
  let h: OpsHarness;
  let worker: RunningWorker;

  beforeAll(async () => {
    h = await startOpsHarness({
      env: { REDIS_URL: TEST_REDIS_URL, METABUYER_QUEUE_PREFIX: prefix },
      meta: {
        retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2, maxBackOffWaitMs: 10 * 60_000 },
        sleep: async (ms: number) => {
          slept.push(ms);
          h.clock.advance(ms);
        },
      },
    });
    await h.onboard();
    h.clock.set(Date.parse(SCENARIO_NOW));
    slept.length = 0;
  });

  afterAll(async () => {
    await worker?.close(5_000);
    await removeQueues(TEST_REDIS_URL, prefix);
    await h?.close();
  });

  it('waits as the headers say, then completes the poll', async () => {
    await h.fault({
      method: 'GET',
      path: '/insights$',
      times: 2,
      regain_minutes: 2,
      error: { code: 80000, error_subcode: 2446079, message: '(#80000) There have been too many calls' },
    });
    // The agent never ran: starting the worker polls it at once.
    worker = await startWorker(h.ctx, { prefix, metricsPort: null });
    const { db } = await h.ctx.database();
    const run = await until(
      'the poll finished',
      async () => (await db.select().from(runs)).find((r) => r.status !== 'running'),
      60_000,
    );
    expect(run, JSON.stringify(run.error ?? run)).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
    const throttled = (await h.calls()).filter((c) => c.error_code === 80000);
    expect(throttled).toHaveLength(2);
    // Each throttle said "regain in 2 minutes": the worker waited that long before
    // retrying, and never longer.
    // (Reads running side by side share the block: one sleeps it out, the others find it over.)
    expect(slept).toContain(120_000);
    expect(slept.every((ms) => ms <= 120_000)).toBe(true);
  });
});
