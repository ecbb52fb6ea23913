import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../src/lib/clock.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { assertValidMessage } from '../../support/slack/block-kit.js';
import { until } from '../../support/worker-process.js';

/**
 * The approval queue in Slack learns of an outside change as soon as a poll reads the activity log:
 * a manual run-now (done by the worker) that stores new changes updates the active plan's queue message.
 */
describe('the Slack queue after a poll reads an outside change', () => {
  const prefix = uniquePrefix('actq');
  let slack: FakeSlack;
  let h: OpsHarness;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    slack = await startFakeSlack();
    h = await startOpsHarness({
      env: {
        REDIS_URL: TEST_REDIS_URL,
        METABUYER_QUEUE_PREFIX: prefix,
        SLACK_BOT_TOKEN: 'xoxb-test-activity-1',
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

  it('flags the changed action in the queue message before anyone executes', async () => {
    worker = await startWorker(h.ctx, {
      prefix,
      metricsPort: null,
      slackSpacingMs: 100,
      relayIntervalMs: 200,
    });
    await until(
      'report and queue posted',
      async () => (slack.posts().length >= 2 ? true : undefined),
      60_000,
    );
    await expectOk(h.cli('approve', 'ALL'));

    h.clock.advance(HOUR_MS);
    const admin = (path: string, body: unknown) =>
      fetch(`${h.sim.url}/__sim/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await admin('clock', { advance_hours: 1 });
    await admin('mutate', {
      id: '12',
      fields: { daily_budget: 11000 },
      actor: { id: '100000000000042', name: 'Jane Buyer' },
    });
    await expectOk(h.cli('run-now'));

    const update = await until(
      'queue updated with the outside change',
      async () =>
        slack.calls.find(
          (c) =>
            c.method === 'chat.update' && c.status === 200 && (c.args.blocks ?? '').includes('Changed by'),
        ),
      30_000,
    );
    const blocks = JSON.parse(update.args.blocks!);
    assertValidMessage({ text: update.args.text, blocks });
    expect(JSON.stringify(blocks)).toContain(':warning: *Changed by Jane Buyer (person)*');
    expect(JSON.stringify(blocks)).toContain('raised $100.00 → $110.00 by Jane Buyer (person)');
  });
});
