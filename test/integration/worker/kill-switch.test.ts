import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allAgents } from '../../../src/db/repos/agents.js';
import { slackMessages } from '../../../src/db/schema/index.js';
import { enqueuePoll } from '../../../src/jobs/handlers/poll.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';
import { pacedScenario } from '../../support/kill-switch-scenarios.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { assertValidMessage } from '../../support/slack/block-kit.js';

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const blocksOf = (b: unknown) => (typeof b === 'string' ? JSON.parse(b) : b);

/**
 * The kill switch as deployed: a scheduled poll (worker, Redis) trips it, the outbox relay posts ONE
 * Block Kit message in the agent's channel and re-renders the open approval queue as closed; the next
 * poll still reports but posts no second message.
 */
describe('metabuyer worker: the kill switch posts once', () => {
  const prefix = uniquePrefix('killsw');
  let slack: FakeSlack;
  let h: OpsHarness;
  let worker: RunningWorker;
  let agentId: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    h = await startOpsHarness({
      scenario: pacedScenario(),
      env: {
        REDIS_URL: TEST_REDIS_URL,
        METABUYER_QUEUE_PREFIX: prefix,
        SLACK_BOT_TOKEN: 'xoxb-test-killswitch-1',
        SLACK_API_URL: slack.url,
      },
    });
    await h.onboard();
    // Off for the first poll, so that a report and an open approval queue are posted first.
    await expectOk(h.cli('setup', '--kill-switch', 'off', '--apply'));
    agentId = (await allAgents((await h.ctx.database()).db))[0]!.id;
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

  const killSwitchPosts = () => slack.posts().filter((p) => p.args.text?.startsWith('Kill switch tripped'));
  const reports = () => slack.posts().filter((p) => p.args.text?.startsWith('MetaBuyer report for'));

  it('trips on a scheduled poll, posts once, closes the queue, and the next poll posts no second message', async () => {
    const [, queue] = await waitFor(
      'report and queue',
      async () => slack.posts().length >= 2 && slack.posts(),
    );
    expect(queue!.args.text).toContain('Approval queue');
    const queueTs = await waitFor('queue ts', async () => {
      const { db } = await h.ctx.database();
      const rows = await db.select().from(slackMessages);
      return rows.find((r) => r.kind === 'queue')?.messageTs;
    });

    await expectOk(h.cli('setup', '--kill-switch', 'on', '--apply'));
    await enqueuePoll(worker.queues, agentId, Date.now());
    const [post] = await waitFor(
      'the kill-switch message',
      async () => killSwitchPosts().length > 0 && killSwitchPosts(),
    );
    expect(post!.args.channel).toBe('C12345678');
    const blocks = blocksOf(post!.args.blocks);
    assertValidMessage({ text: post!.args.text, blocks });
    expect(JSON.stringify(blocks)).toContain('Spend far above its usual pace');
    expect(JSON.stringify(blocks)).toContain('Pending approvals have expired');

    // The open queue is re-rendered in place as closed (expired: no buttons left).
    const update = await waitFor('queue updated', async () =>
      slack.calls.find((c) => c.method === 'chat.update' && c.args.ts === queueTs && c.status === 200),
    );
    const updated = blocksOf(update.args.blocks);
    assertValidMessage({ text: update.args.text, blocks: updated });
    expect(JSON.stringify(updated)).toContain('*Expired*');
    expect(JSON.stringify(updated)).not.toContain('mb_approve_action');

    // The poll itself still reported (without a queue), and so does the next one, with no second message.
    await waitFor('second report', async () => reports().length >= 2);
    await enqueuePoll(worker.queues, agentId, Date.now() + 1);
    await waitFor('third report', async () => reports().length >= 3);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(killSwitchPosts()).toHaveLength(1);
    const status = (await expectOk(h.cli('status', '--json'))).json();
    expect(status).toMatchObject({ halted: true, halted_by: 'worker:kill-switch' });
  });
});
