import { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allAgents } from '../../../src/db/repos/agents.js';
import { activePlan } from '../../../src/db/repos/plans.js';
import type { SlackMessageRow } from '../../../src/db/repos/slack-messages.js';
import { slackMessages } from '../../../src/db/schema/index.js';
import { closeQueueJob, queueSweepJob } from '../../../src/jobs/definitions.js';
import { enqueuePoll } from '../../../src/jobs/handlers/poll.js';
import { HOUR_MS } from '../../../src/lib/clock.js';
import { type RunningSlackApp, startSlackApp } from '../../../src/slack/app.js';
import { ACTION_IDS } from '../../../src/slack/blocks/ids.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { assertValidMessage } from '../../support/slack/block-kit.js';
import { FAKE_BOT_TOKEN, FakeSlack, type StoredMessage } from '../../support/slack/fake-slack.js';
import { SlackSigner } from '../../support/slack/signer.js';

const SECRET = 'slack-signing-secret-for-closed-queues';
const CHANNEL = 'C12345678';
const ANA = 'U0APPR0001';

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 30_000,
) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON
const buttonsIn = (m: StoredMessage) => (m.blocks ?? []).filter((b: any) => b.type === 'actions');

/**
 * Approval queues in Slack close in place when their plan can no longer be decided: serve (Bolt) and
 * a worker side by side on real Postgres and Redis, Slack played by the validating fake Web API, the
 * clock moved to let a plan's TTL pass. Each closed state is shown once — a retried job, a second sweep
 * or a second close job finds it already shown.
 */
describe('closed approval queues', () => {
  const prefix = uniquePrefix('closedq');
  let h: OpsHarness;
  let slack: FakeSlack;
  let served: RunningSlackApp;
  let signer: SlackSigner;
  let worker: RunningWorker;
  let agentId: string;
  let first: SlackMessageRow;
  let second: SlackMessageRow;

  const db = async () => (await h.ctx.database()).db;
  const queueRows = async () =>
    (await (await db()).select().from(slackMessages).where(eq(slackMessages.kind, 'queue'))).sort(
      (a, b) => a.postedAt.getTime() - b.postedAt.getTime() || a.messageTs.localeCompare(b.messageTs),
    );
  const rowOf = async (id: string) => (await queueRows()).find((r) => r.id === id)!;
  const updatesOf = (ts: string) => slack.callsOf('chat.update').filter((c) => c.args.ts === ts);
  const okUpdatesOf = (ts: string) => updatesOf(ts).filter((c) => c.ok);
  const counts = async () => (await expectOk(h.cli('status', '--json'))).json().plan?.counts;

  beforeAll(async () => {
    slack = await FakeSlack.start();
    slack.addChannel(CHANNEL, { name: 'meta-ads', members: [ANA] });
    slack.addUser(ANA);
    h = await startOpsHarness({
      env: {
        REDIS_URL: TEST_REDIS_URL,
        METABUYER_QUEUE_PREFIX: prefix,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
      },
    });
    await h.onboard();
    await expectOk(h.cli('setup', '--apply', '--approvers', ANA));
    agentId = (await allAgents(await db()))[0]!.id;
    served = await startSlackApp(h.ctx, {
      signingSecret: SECRET,
      botToken: FAKE_BOT_TOKEN,
      apiUrl: slack.apiUrl,
      port: 0,
    });
    signer = new SlackSigner({
      url: `http://127.0.0.1:${served.port}/slack/events`,
      signingSecret: SECRET,
      slack,
    });
    // The agent has never run: the worker polls it at once and posts the report and its queue.
    worker = await startWorker(h.ctx, {
      prefix,
      metricsPort: null,
      slackSpacingMs: 50,
      queueSweepEveryMs: 300,
    });
    first = (await waitFor('the first approval queue', async () => (await queueRows())[0]))!;
  }, 90_000);

  afterAll(async () => {
    await worker?.close(5_000);
    await served?.stop();
    await removeQueues(TEST_REDIS_URL, prefix);
    await h?.close();
    await slack?.close();
  });

  it('posts the queue open, with buttons, and records it as shown open', async () => {
    const posted = slack.message(CHANNEL, first.messageTs)!;
    assertValidMessage({ text: posted.text, blocks: posted.blocks });
    expect(buttonsIn(posted).length).toBeGreaterThan(0);
    expect(first.shownState).toBe('open');
  });

  it('closes the old queue once when a newer plan is posted: superseded, linked, no buttons, decisions kept', async () => {
    // An approver decides on the first plan with its button; the queue is re-rendered open.
    await signer.blockAction({
      user: ANA,
      channel: CHANNEL,
      messageTs: first.messageTs,
      actionId: ACTION_IDS.approve,
      value: `${first.planId}:A1`,
    });
    await waitFor('the approval', async () => (await counts())?.approved === 1);
    await waitFor('the refresh after the decision', () => okUpdatesOf(first.messageTs).length === 1);
    const before = okUpdatesOf(first.messageTs).length;

    // The next poll builds a new plan, which supersedes the first, and posts it in a new thread.
    await enqueuePoll(worker.queues, agentId, Date.UTC(2026, 10, 20, 18));
    second = (await waitFor('the second approval queue', async () => (await queueRows())[1]))!;
    expect(second.planId).not.toBe(first.planId);
    expect((await activePlan(await db(), agentId))!.id).toBe(second.planId);

    await waitFor('the old queue closed', async () => (await rowOf(first.id)).shownState === 'superseded');
    // Several sweeps (every 300 ms here) pass: none shows it again.
    await sleep(1_500);
    expect(okUpdatesOf(first.messageTs).length).toBe(before + 1);

    const closed = slack.message(CHANNEL, first.messageTs)!;
    assertValidMessage({ text: closed.text, blocks: closed.blocks });
    expect(buttonsIn(closed)).toEqual([]);
    expect(closed.text).toContain('(superseded)');
    const shown = JSON.stringify(closed.blocks);
    const link = `https://fake-workspace.slack.com/archives/${CHANNEL}/p${second.messageTs.replace('.', '')}`;
    expect(shown).toContain('*Superseded* by <');
    expect(shown).toContain(link);
    expect(shown).toContain(`plan \`${second.planId}\``);
    expect(shown).toContain(`:white_check_mark: Approved by <@${ANA}>`);
    // The new queue is open.
    expect(buttonsIn(slack.message(CHANNEL, second.messageTs)!).length).toBeGreaterThan(0);
  });

  it('refuses a button and a thread reply on the closed queue, pointing at the active plan', async () => {
    const { responseUrl } = await signer.blockAction({
      user: ANA,
      channel: CHANNEL,
      messageTs: first.messageTs,
      actionId: ACTION_IDS.approve,
      value: `${first.planId}:A2`,
    });
    const refusal = await waitFor('the button refusal', () =>
      slack.responsePosts.find((p) => responseUrl.endsWith(`/${p.id}`)),
    );
    expect(String(refusal.body.text)).toContain(`Plan ${first.planId} is no longer active`);
    expect(String(refusal.body.text)).toContain(`the active plan is ${second.planId}`);

    const reply = await signer.threadReply({
      user: ANA,
      channel: CHANNEL,
      threadTs: first.threadTs,
      text: 'APPROVE A2',
    });
    const answer = await waitFor('the thread answer', () =>
      slack
        .messagesIn(CHANNEL)
        .find(
          (m) =>
            m.thread_ts === first.threadTs && m.bot_id && m.ts > reply.ts && /no longer active/.test(m.text),
        ),
    );
    expect(answer.text).toContain(second.planId!);
    expect(await counts()).toEqual({ proposed: expect.any(Number) });
  });

  it('closes the active queue once its TTL passes: expired, nothing written, a failed update retried', async () => {
    const before = okUpdatesOf(second.messageTs).length;
    // Slack fails the first attempt; the slack queue retries it.
    slack.fail('chat.update', { status: 500 });
    h.clock.advance(25 * HOUR_MS);
    await waitFor(
      'the expired queue shown',
      async () => (await rowOf(second.id)).shownState === 'expired',
      60_000,
    );
    expect(updatesOf(second.messageTs).filter((c) => c.status === 500)).toHaveLength(1);
    expect(okUpdatesOf(second.messageTs).length).toBe(before + 1);

    const closed = slack.message(CHANNEL, second.messageTs)!;
    assertValidMessage({ text: closed.text, blocks: closed.blocks });
    expect(buttonsIn(closed)).toEqual([]);
    expect(closed.text).toContain('(expired)');
    expect(JSON.stringify(closed.blocks)).toMatch(
      /\*Expired\* at <!date\^\d+\^[^>]+> \(no action was written\)/,
    );
    // The superseded queue (its plan expired too) keeps what it shows.
    expect((await rowOf(first.id)).shownState).toBe('superseded');
  }, 90_000);

  it('updates nothing more when the sweep runs twice and a close job is handed in again', async () => {
    const seen = { first: okUpdatesOf(first.messageTs).length, second: okUpdatesOf(second.messageTs).length };
    const slackQueue = worker.queues.queue('slack');
    const jobs = await Promise.all([
      worker.queues.enqueue(queueSweepJob, { v: 1 }, { jobId: 'sweep-again-1' }),
      worker.queues.enqueue(queueSweepJob, { v: 1 }, { jobId: 'sweep-again-2' }),
      worker.queues.enqueue(closeQueueJob, { v: 1, messageId: second.id }, { jobId: 'close-again-1' }),
      worker.queues.enqueue(closeQueueJob, { v: 1, messageId: first.id }, { jobId: 'close-again-2' }),
    ]);
    for (const j of jobs) await waitFor(`job ${j.id}`, async () => (await j.getState()) === 'completed');
    const again = await Job.fromId(slackQueue, 'close-again-1');
    expect(again!.returnvalue).toMatchObject({ updated: false, reason: 'already_shown' });
    await sleep(1_000);
    expect(okUpdatesOf(first.messageTs).length).toBe(seen.first);
    expect(okUpdatesOf(second.messageTs).length).toBe(seen.second);

    // A reply in the expired plan's thread is refused with why.
    const reply = await signer.threadReply({
      user: ANA,
      channel: CHANNEL,
      threadTs: second.threadTs,
      text: 'APPROVE A1',
    });
    const answer = await waitFor('the thread answer', () =>
      slack
        .messagesIn(CHANNEL)
        .find(
          (m) => m.thread_ts === second.threadTs && m.bot_id && m.ts > reply.ts && /expired/.test(m.text),
        ),
    );
    expect(answer.text).toContain(`Plan ${second.planId} expired at`);
  });

  it('points an expired queue at the plan that replaces it, and two close jobs at once update once', async () => {
    const before = okUpdatesOf(second.messageTs).length;
    await enqueuePoll(worker.queues, agentId, Date.UTC(2026, 10, 21, 18));
    const third = (await waitFor('the third approval queue', async () => (await queueRows())[2]))!;
    await waitFor(
      'the expired queue superseded',
      async () => (await rowOf(second.id)).shownState === 'superseded',
    );
    await sleep(1_000);
    expect(okUpdatesOf(second.messageTs).length).toBe(before + 1);
    const shown = JSON.stringify(slack.message(CHANNEL, second.messageTs)!.blocks);
    expect(shown).toContain(`plan \`${third.planId}\``);
    expect(shown).not.toContain('*Expired*');

    // The third plan expires; three close jobs (as from several workers) race the sweep for it.
    h.clock.advance(25 * HOUR_MS);
    const racing = await Promise.all(
      [1, 2, 3].map((n) =>
        worker.queues.enqueue(closeQueueJob, { v: 1, messageId: third.id }, { jobId: `close-race-${n}` }),
      ),
    );
    for (const j of racing) await waitFor(`job ${j.id}`, async () => (await j.getState()) === 'completed');
    await sleep(1_000);
    const results = await Promise.all(
      racing.map(async (j) => (await Job.fromId(worker.queues.queue('slack'), j.id!))!.returnvalue),
    );
    expect(okUpdatesOf(third.messageTs)).toHaveLength(1);
    // One of them (or the sweep) showed it; the others found it shown.
    expect(results.filter((r) => r.updated).length).toBeLessThanOrEqual(1);
    expect((await rowOf(third.id)).shownState).toBe('expired');
    assertValidMessage({
      text: slack.message(CHANNEL, third.messageTs)!.text,
      blocks: slack.message(CHANNEL, third.messageTs)!.blocks,
    });
  }, 90_000);

  it('closes the previous queue when /metabuyer plan-actions posts a new one from serve (found by the sweep)', async () => {
    const third = (await queueRows())[2]!;
    const before = okUpdatesOf(third.messageTs).length;
    await expectOk(h.cli('run-now'));
    const res = await signer.command({ user: ANA, channel: CHANNEL, text: 'plan-actions' });
    expect(res.status).toBe(200);
    const fourth = (await waitFor('the fourth approval queue', async () => (await queueRows())[3]))!;
    await waitFor(
      'the third queue superseded',
      async () => (await rowOf(third.id)).shownState === 'superseded',
    );
    await sleep(1_000);
    expect(okUpdatesOf(third.messageTs).length).toBe(before + 1);
    const closed = slack.message(CHANNEL, third.messageTs)!;
    assertValidMessage({ text: closed.text, blocks: closed.blocks });
    expect(buttonsIn(closed)).toEqual([]);
    expect(JSON.stringify(closed.blocks)).toContain(
      `https://fake-workspace.slack.com/archives/${CHANNEL}/p${fourth.messageTs.replace('.', '')}`,
    );
  }, 90_000);
});
