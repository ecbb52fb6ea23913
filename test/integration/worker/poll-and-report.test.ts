import { Job } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentById, allAgents } from '../../../src/db/repos/agents.js';
import { plans, runs, slackMessages } from '../../../src/db/schema/index.js';
import { jobIdOf } from '../../../src/jobs/definitions.js';
import { enqueuePoll } from '../../../src/jobs/handlers/poll.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { WorkerMetrics } from '../../../src/worker/metrics.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';
import { type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { assertValidMessage } from '../../support/slack/block-kit.js';

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The worker on the seed-demo simulator: a scheduled poll stores a run and a plan and hands the report
 * to the slack queue, which posts it to a fake Slack Web API in one thread and remembers where.
 */
describe('metabuyer worker: poll, plan, report', () => {
  const prefix = uniquePrefix('poll');
  const metrics = new WorkerMetrics();
  let slack: FakeSlack;
  let h: OpsHarness;
  let worker: RunningWorker;
  let agentId: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    h = await startOpsHarness({
      env: {
        REDIS_URL: TEST_REDIS_URL,
        METABUYER_QUEUE_PREFIX: prefix,
        SLACK_BOT_TOKEN: 'xoxb-test-worker-1',
        SLACK_API_URL: slack.url,
      },
      meta: { logger: metrics.metaLogger(silentLogger) },
    });
    await h.onboard();
    agentId = (await allAgents((await h.ctx.database()).db))[0]!.id;
    // The agent has never run, so its schedule is due at once: starting the worker polls it.
    worker = await startWorker(h.ctx, {
      prefix,
      metrics,
      metricsPort: 0,
      metricsHost: '127.0.0.1',
      slackSpacingMs: 200,
    });
  });

  afterAll(async () => {
    await worker?.close(5_000);
    await removeQueues(TEST_REDIS_URL, prefix);
    await h?.close();
    await slack?.close();
  });

  const db = async () => (await h.ctx.database()).db;
  const runsOfAgent = async () => (await db()).select().from(runs).where(eq(runs.agentId, agentId));

  it('a scheduled poll stores a run and a plan, then posts the report and the approval queue in one thread', async () => {
    const [report, queue] = await waitFor('report and queue posts', async () => {
      const p = slack.posts();
      return p.length >= 2 && p;
    });
    const [run] = await runsOfAgent();
    expect(run).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
    const [plan] = await (await db()).select().from(plans).where(eq(plans.runId, run!.id));
    expect(plan!.createdBy).toBe('worker:poll');

    expect(report!.args.channel).toBe('C12345678');
    expect(report!.authorization).toBe('Bearer xoxb-test-worker-1');
    expect(report!.args.text).toContain('MetaBuyer report for');
    expect(report!.args.thread_ts).toBeUndefined();
    expect(queue!.args.thread_ts).toBeDefined();
    expect(queue!.args.text).toContain('Approval queue');
    // The same Block Kit as /metabuyer run-now and plan-actions post, valid for Slack.
    const blocksOf = (b: unknown) => (typeof b === 'string' ? JSON.parse(b) : b);
    assertValidMessage({ text: report!.args.text, blocks: blocksOf(report!.args.blocks) });
    assertValidMessage({ text: queue!.args.text, blocks: blocksOf(queue!.args.blocks) });
    expect(JSON.stringify(blocksOf(queue!.args.blocks))).toContain('mb_approve_action');
    // One channel, two messages: the second waited out the channel's spacing (200 ms here) off the lock.
    expect(queue!.at - report!.at).toBeGreaterThanOrEqual(150);

    const stored = await (await db()).select().from(slackMessages).where(eq(slackMessages.agentId, agentId));
    const reportRow = stored.find((m) => m.kind === 'report')!;
    const queueRow = stored.find((m) => m.kind === 'queue')!;
    expect(reportRow).toMatchObject({
      runId: run!.id,
      channelId: 'C12345678',
      threadTs: reportRow.messageTs,
    });
    expect(queueRow).toMatchObject({ planId: plan!.id, threadTs: reportRow.messageTs });
    expect(queue!.args.thread_ts).toBe(reportRow.messageTs);

    const slackJob = await Job.fromId(worker.queues.queue('slack'), jobIdOf('report', run!.id));
    expect(slackJob?.data).toEqual({ v: 1, agentId, runId: run!.id, planId: plan!.id });
    await waitFor('slack job completed', async () => (await slackJob!.getState()) === 'completed');

    const agent = await agentById(await db(), agentId);
    expect(agent!.lastRunAt).not.toBeNull();
    const scheduler = await worker.queues.queue('poll').getJobScheduler(`poll-${agentId}`);
    expect(agent!.nextRunAt?.getTime()).toBe(Number(scheduler!.next));
  });

  it('logs each job with its job id and agent id', async () => {
    const done = await waitFor('poll log line', async () =>
      h.logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'poll done'),
    );
    expect(done.agent_id).toBe(agentId);
    expect(String(done.job_id)).toMatch(new RegExp(`^repeat:poll-${agentId}:\\d+$`));
  });

  it('polls a duplicate tick once: the same agent and slot is one job, even after it completed', async () => {
    const before = (await runsOfAgent()).length;
    const slot = Date.UTC(2026, 10, 20, 18);
    const [a, b] = await Promise.all([
      enqueuePoll(worker.queues, agentId, slot),
      enqueuePoll(worker.queues, agentId, slot),
    ]);
    expect(a.id).toBe(b.id);
    await waitFor('poll completed', async () => (await a.getState()) === 'completed');
    await enqueuePoll(worker.queues, agentId, slot);
    await new Promise((r) => setTimeout(r, 300));
    expect((await runsOfAgent()).length).toBe(before + 1);
  });

  it('honours Slack 429 Retry-After: the report waits as long as Slack said, without using up a retry', async () => {
    const postsBefore = slack.posts().length;
    slack.rateLimitNext(1, 1);
    const job = await enqueuePoll(worker.queues, agentId, Date.UTC(2026, 10, 21, 0));
    await waitFor('poll completed', async () => (await job.getState()) === 'completed');
    const { runId } = (await Job.fromId(worker.queues.queue('poll'), job.id!))!.returnvalue as {
      runId: string;
    };
    const slackJob = await waitFor('slack job', () =>
      Job.fromId(worker.queues.queue('slack'), jobIdOf('report', runId)),
    );
    await waitFor('slack job completed', async () => (await slackJob.getState()) === 'completed', 20_000);

    const limited = slack.calls.find((c) => c.status === 429)!;
    const after = slack.posts().slice(postsBefore);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after[0]!.at - limited.at).toBeGreaterThanOrEqual(950);
    const finished = (await Job.fromId(worker.queues.queue('slack'), slackJob.id!))!;
    expect(finished.attemptsMade).toBeLessThanOrEqual(1);
    const rows = await (await db())
      .select()
      .from(slackMessages)
      .where(and(eq(slackMessages.runId, runId), eq(slackMessages.kind, 'report')));
    expect(rows).toHaveLength(1);
  });

  it('refuses a bad payload with a clear error, without retries and without reaching the handler', async () => {
    const runsBefore = (await runsOfAgent()).length;
    const job = await worker.queues
      .queue('poll')
      .add(
        'poll-agent',
        { v: 1, agentId: 'agent_nope', accessToken: 'EAASIMSYSTEMUSERTOKEN0001' },
        { attempts: 3 },
      );
    await waitFor('bad job failed', async () => (await job.getState()) === 'failed');
    const failed = (await Job.fromId(worker.queues.queue('poll'), job.id!))!;
    expect(failed.failedReason).toMatch(/invalid payload/);
    expect(failed.failedReason).toMatch(/agentId must be a agent_… id/);
    expect(failed.failedReason).toMatch(/accessToken/);
    expect(failed.failedReason).not.toContain('EAASIM');
    expect(failed.attemptsMade).toBe(1);
    expect((await runsOfAgent()).length).toBe(runsBefore);
    const refused = h.logLines
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'job refused: invalid payload');
    expect(refused.job_id).toBe(job.id);
    expect(JSON.stringify(h.logLines)).not.toContain('EAASIMSYSTEMUSERTOKEN0001');
  });

  it('serves Prometheus metrics: polls by outcome, recommendations by rule, Meta calls, queue depth', async () => {
    const text = await (await fetch(`${worker.http!.url}/metrics`)).text();
    expect(text).toMatch(/metabuyer_polls_total\{outcome="succeeded"\} [1-9]/);
    expect(text).toMatch(
      /metabuyer_recommendations_total\{rule="[a-z_]+",severity="(high|medium|low)"\} [1-9]/,
    );
    expect(text).toMatch(/metabuyer_meta_calls_total\{status="2xx"\} [1-9]/);
    expect(text).toMatch(/metabuyer_queue_jobs\{queue="poll",state="failed"\} [1-9]/);
    expect(text).toMatch(
      /metabuyer_job_duration_seconds_count\{queue="slack",job="post-report",outcome="completed"\} [1-9]/,
    );
    expect(text).toMatch(/metabuyer_slack_posts_total\{outcome="rate_limited"\} 1/);
    const health = await fetch(`${worker.http!.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      checks: { redis: { status: 'ok' }, postgres: { status: 'ok' } },
    });
  });
});
