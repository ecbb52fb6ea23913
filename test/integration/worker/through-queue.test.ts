import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionConfirmations, runs, slackMessages } from '../../../src/db/schema/index.js';
import { cliActor } from '../../../src/domain/actor.js';
import { NO_WORKER_MESSAGE, runConfirmationViaQueue, withQueueClient } from '../../../src/jobs/remote.js';
import { confirmRollback } from '../../../src/ops/write-path.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { assertValidMessage } from '../../support/slack/block-kit.js';
import { until } from '../../support/worker-process.js';
import { writesPerEntity } from '../../support/write-path-world.js';

/**
 * With REDIS_URL set, the operator's run-now, execute-actions and rollback-actions are done by a worker
 * and the CLI waits for the result; without a worker they are refused and nothing is recorded. The
 * worker posts the results of an execution in the plan's Slack thread.
 */
describe('the CLI through the queue', () => {
  const prefix = uniquePrefix('cliq');
  let slack: FakeSlack;
  let h: OpsHarness;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    slack = await startFakeSlack();
    h = await startOpsHarness({
      env: {
        REDIS_URL: TEST_REDIS_URL,
        METABUYER_QUEUE_PREFIX: prefix,
        SLACK_BOT_TOKEN: 'xoxb-test-queue-1',
        SLACK_API_URL: slack.url,
        METABUYER_QUEUE_WAIT_MS: '60000',
      },
    });
    await h.onboard();
  });

  afterAll(async () => {
    await worker?.close(5_000);
    await removeQueues(TEST_REDIS_URL, prefix);
    await h?.close();
    await slack?.close();
  });

  it('refuses run-now and execute-actions when no worker is running, recording nothing', async () => {
    const { db } = await h.ctx.database();
    const callsBefore = (await h.calls()).length;
    const run = await h.cli('run-now');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(NO_WORKER_MESSAGE);
    const exec = await h.cli('execute-actions', '--confirm', 'sandbox');
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toContain(NO_WORKER_MESSAGE);
    expect(await db.select().from(runs)).toEqual([]);
    expect(await db.select().from(executionConfirmations)).toEqual([]);
    expect((await h.calls()).length).toBe(callsBefore);
  });

  it('runs run-now in the worker and prints what run-now prints', async () => {
    worker = await startWorker(h.ctx, {
      prefix,
      metricsPort: null,
      slackSpacingMs: 100,
      relayIntervalMs: 200,
    });
    // The agent never ran: the worker polls it at once and posts the report and its approval queue.
    await until(
      'report and queue posted',
      async () => (slack.posts().length >= 2 ? true : undefined),
      60_000,
    );
    const r = (await expectOk(h.cli('run-now', '--json'))).json();
    expect(r.run.id).toMatch(/^run_/);
    const { db } = await h.ctx.database();
    const all = await db.select().from(runs);
    expect(all.find((x) => x.id === r.run.id)).toMatchObject({ trigger: 'cli', status: 'succeeded' });
  });

  it('executes through the worker, writes once, and posts the results in the plan thread', async () => {
    await expectOk(h.cli('approve', 'ALL'));
    const out = (await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'))).json();
    expect(out.applied).toBeGreaterThan(0);
    expect(out.failed).toBe(0);
    const writes = await writesPerEntity(h);
    expect([...writes.values()].every((n) => n === 1)).toBe(true);
    expect(writes.size).toBe(out.applied);

    const queuePost = slack.posts()[1]!;
    const reply = await until(
      'results reply',
      async () => slack.posts().find((p) => p.args.text?.startsWith('Executed in sandbox')),
      30_000,
    );
    expect(reply.args.thread_ts).toBe(queuePost.args.thread_ts);
    expect(reply.args.text).toContain(`${out.applied} applied`);
    assertValidMessage({ text: reply.args.text, blocks: JSON.parse(reply.args.blocks!) });

    // The approval queue message is updated in place: same message, the plan's actions as they now stand.
    const { db } = await h.ctx.database();
    const [queueRow] = await db.select().from(slackMessages).where(eq(slackMessages.kind, 'queue'));
    const update = await until(
      'queue updated',
      async () => slack.calls.find((c) => c.method === 'chat.update' && c.status === 200),
      30_000,
    );
    expect(update.args).toMatchObject({ channel: queueRow!.channelId, ts: queueRow!.messageTs });
    const blocks = JSON.parse(update.args.blocks!);
    assertValidMessage({ text: update.args.text, blocks });
    const body = JSON.stringify(blocks);
    for (const r of out.results as Array<{ key: string }>) expect(body).toContain(r.key);
  });

  it('runs the same confirmation requested five times at once as one job with one write each', async () => {
    const conf = await confirmRollback(h.ctx, { confirm: 'sandbox', actor: cliActor('tester'), limit: 10 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        withQueueClient(h.ctx, (c) => runConfirmationViaQueue(h.ctx, c, conf.id, 'rollback')),
      ),
    );
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]).toMatchObject({ kind: 'rollback', failed: 0 });
    const jobs = await worker!.queues
      .queue('rollback')
      .getJobs(['completed', 'active', 'waiting', 'delayed', 'failed']);
    expect(jobs.map((j) => j.id)).toEqual([conf.id]);
    const writes = await writesPerEntity(h);
    expect([...writes.values()].every((n) => n === 2)).toBe(true);
  });
});
