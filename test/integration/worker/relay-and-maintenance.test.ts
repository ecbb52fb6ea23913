import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueOutbox } from '../../../src/db/repos/outbox.js';
import { metaConnections, outbox } from '../../../src/db/schema/index.js';
import { jobIdOf, maintenanceSweepJob } from '../../../src/jobs/definitions.js';
import { relayJobId } from '../../../src/jobs/outbox-relay.js';
import { newId } from '../../../src/lib/ids.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';
import { type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { until } from '../../support/worker-process.js';

/**
 * The worker's housekeeping: outbox rows other than writes (a connection warning) reach Slack through the
 * relay, once, under a job id made safe from their dedupe key; the daily maintenance sweep checks every
 * connection's token; reconcile and maintenance run on job schedulers.
 */
describe('outbox relay and maintenance', () => {
  const prefix = uniquePrefix('relay');
  let slack: FakeSlack;
  let h: OpsHarness;
  let worker: RunningWorker;

  beforeAll(async () => {
    slack = await startFakeSlack();
    h = await startOpsHarness({
      env: {
        REDIS_URL: TEST_REDIS_URL,
        METABUYER_QUEUE_PREFIX: prefix,
        SLACK_BOT_TOKEN: 'xoxb-test-relay-1',
        SLACK_API_URL: slack.url,
      },
    });
    await h.onboard();
    worker = await startWorker(h.ctx, {
      prefix,
      metricsPort: null,
      slackSpacingMs: 50,
      relayIntervalMs: 200,
    });
  });

  afterAll(async () => {
    await worker?.close(5_000);
    await removeQueues(TEST_REDIS_URL, prefix);
    await h?.close();
    await slack?.close();
  });

  it('posts a connection warning from the outbox to its channel once, and marks the row done', async () => {
    const { db } = await h.ctx.database();
    const text = 'Meta connection act_1000000001 needs attention: reconnect it.';
    const row = await enqueueOutbox(db, {
      id: newId('obx'),
      topic: 'slack.connection_warning',
      dedupeKey: 'connection-warning:test:1',
      payload: { v: 1, channel_id: 'C12345678', text },
      now: h.ctx.clock.now(),
    });
    await until(
      'outbox row done',
      async () => {
        const [r] = await db.select().from(outbox).where(eq(outbox.id, row.id));
        return r?.state === 'done' ? r : undefined;
      },
      30_000,
    );
    const posts = slack.posts().filter((p) => p.args.text === text);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.channel).toBe('C12345678');
    const job = await worker.queues
      .queue('slack')
      .getJob(relayJobId({ dedupeKey: row.dedupeKey, attempts: 1 }));
    expect(job?.id).toBe('connection-warning-test-1');
    // Ids only in Redis: the text stays in Postgres.
    expect(job?.data).toEqual({ v: 1, outboxId: row.id });
  });

  it('schedules reconcile every minute and the maintenance sweep daily', async () => {
    const reconcile = await worker.queues.queue('reconcile').getJobScheduler('reconcile');
    expect(Number(reconcile?.every)).toBe(60_000);
    const maintenance = await worker.queues.queue('maintenance').getJobScheduler('maintenance-daily');
    expect(Number(maintenance?.every)).toBe(24 * 3600_000);
  });

  it('the maintenance sweep checks every connection and purges spent logins', async () => {
    const { db } = await h.ctx.database();
    const [conn] = await db.select().from(metaConnections);
    const sweep = await worker.queues.enqueue(maintenanceSweepJob, { v: 1 }, { jobId: 'sweep-test' });
    await until(
      'sweep done',
      async () => ((await sweep.getState()) === 'completed' ? true : undefined),
      30_000,
    );
    const day = h.ctx.clock.now().toISOString().slice(0, 10);
    const maintain = await worker.queues.queue('maintenance').getJob(jobIdOf('maintain', conn!.id, day));
    const done = await until(
      'token checked',
      async () => ((await maintain?.getState()) === 'completed' ? maintain : undefined),
      30_000,
    );
    expect(done!.returnvalue).toHaveProperty('outcome');
    const purge = await worker.queues.queue('maintenance').getJob(jobIdOf('purge', day));
    await until(
      'purge done',
      async () => ((await purge?.getState()) === 'completed' ? true : undefined),
      30_000,
    );
  });
});
