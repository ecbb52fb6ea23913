import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents } from '../../../src/db/schema/index.js';
import { type RunningSlackApp, startSlackApp } from '../../../src/slack/app.js';
import { CONFIRM_ACTION_ID, CONFIRM_BLOCK_ID } from '../../../src/slack/blocks/confirm-modal.js';
import { ACTION_IDS } from '../../../src/slack/blocks/ids.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { FAST_LAG, FOLLOWUP_NOW, followupScenario } from '../../support/followup-scenario.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import type { Json } from '../../support/sim.js';
import { assertValidMessage, assertValidView } from '../../support/slack/block-kit.js';
import { FAKE_BOT_TOKEN, FakeSlack } from '../../support/slack/fake-slack.js';
import { SlackSigner } from '../../support/slack/signer.js';

/**
 * Follow-ups in Slack, as deployed: serve and a worker side by side, Meta played by the simulator and
 * Slack by the fake. A pause whose parent then worsens is reported hurt in the plan's thread with a Roll
 * back button; the button (a signed block_actions) opens the rollback modal for that one write, and
 * typing "sandbox" undoes it. The budget raise that helped gets its verdict without a button.
 */
const SECRET = 'slack-signing-secret-for-tests';
const CHANNEL = 'C0FOLLOW01';
const OPS = 'U0OPS00001';

describe('a follow-up verdict in the plan thread, and its Roll back button', () => {
  let h: OpsHarness;
  let slack: FakeSlack;
  let served: RunningSlackApp;
  let signer: SlackSigner;
  let worker: RunningWorker | undefined;
  let reportTs: string;
  const prefix = uniquePrefix('followup');

  const eventually = async <T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, within = 30_000) => {
    const until = Date.now() + within;
    let v = await probe();
    while (!ok(v) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 150));
      v = await probe();
    }
    return v;
  };
  const verdicts = (pattern: RegExp) =>
    slack.messagesIn(CHANNEL).filter((m) => m.thread_ts === reportTs && pattern.test(m.text));

  beforeAll(async () => {
    slack = await FakeSlack.start();
    slack.addChannel(CHANNEL, { name: 'meta-ads', members: [OPS] });
    slack.addUser(OPS);
    h = await startOpsHarness({
      scenario: followupScenario(),
      now: FOLLOWUP_NOW,
      env: {
        REDIS_URL: TEST_REDIS_URL,
        METABUYER_QUEUE_PREFIX: prefix,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
      },
    });
    await expectOk(h.cli('init'));
    await expectOk(
      h.cli(
        'connect',
        '--access-token',
        'EAASIMSYSTEMUSERTOKEN0001',
        '--ad-account',
        '1000000001',
        '--env',
        'sandbox',
      ),
    );
    await expectOk(
      h.cli(
        'setup',
        '--apply',
        '--target-cpa',
        '120',
        '--target-roas',
        '1.8',
        '--slack-target',
        `channel:${CHANNEL}`,
        '--execution-enabled',
        'true',
        '--operators',
        OPS,
        '--rollback-window-hours',
        '120',
      ),
    );
    // This account's purchases are all in within 6 h of a day's end.
    const { db } = await h.ctx.database();
    const [agent] = await db.select().from(agents);
    await db
      .update(agents)
      .set({ config: { ...agent!.config, conversionLag: FAST_LAG } })
      .where(eq(agents.id, agent!.id));
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
    worker = await startWorker(h.ctx, {
      prefix,
      metricsPort: null,
      slackSpacingMs: 50,
      relayIntervalMs: 200,
      followupEveryMs: 300,
    });
  }, 120_000);

  afterAll(async () => {
    await worker?.close(5_000);
    await served?.stop();
    await h?.close();
    await slack?.close();
  });

  it('posts a hurt verdict with a Roll back button and a helped one without', async () => {
    const report = await eventually(
      () => slack.messagesIn(CHANNEL).find((m) => !m.thread_ts && m.blocks),
      (m) => m !== undefined,
      60_000,
    );
    reportTs = report!.ts;
    // The worker's poll planned too, and posts the approval queue in the report's thread.
    await eventually(
      () => slack.messagesIn(CHANNEL).some((m) => m.thread_ts === reportTs && m.ts !== reportTs),
      (v) => v,
    );
    await expectOk(h.cli('approve', 'ALL'));
    expect((await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'))).json().applied).toBe(
      2,
    );

    // 73 hours later, on Meta's clock and ours, a poll brings the days after the writes.
    await fetch(`${h.sim.url}/__sim/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_hours: 73 }),
    });
    h.clock.advance(73 * 3_600_000);
    await expectOk(h.cli('run-now'));

    const hurt = await eventually(
      () => verdicts(/A1 pause ad set Broad US: hurt at 72 h/),
      (ms) => ms.length > 0,
    );
    const helped = await eventually(
      () => verdicts(/A2 budget ad set Lookalike 1%: helped at 72 h/),
      (ms) => ms.length > 0,
    );
    expect(hurt).toHaveLength(1);
    expect(helped).toHaveLength(1);
    for (const m of [...hurt, ...helped]) assertValidMessage({ text: m.text, blocks: m.blocks });
    expect(hurt[0]!.text).toMatch(
      /parent CPA \+\d+ % \(interval \+\d+ %…\+\d+ %\) vs peers, ≈ \$[\d,]+ lost/,
    );
    expect(JSON.stringify(hurt[0]!.blocks)).toContain(ACTION_IDS.rollbackWrite);
    expect(JSON.stringify(helped[0]!.blocks)).not.toContain(ACTION_IDS.rollbackWrite);
    // Not matured after one day: said plainly, no button.
    const early = await eventually(
      () => verdicts(/inconclusive at 24 h — not matured yet/),
      (ms) => ms.length >= 2,
    );
    expect(early).toHaveLength(2);
    for (const m of early) expect(JSON.stringify(m.blocks)).not.toContain(ACTION_IDS.rollbackWrite);
  }, 180_000);

  it('opens the rollback modal for that one write from the button, and "sandbox" undoes it', async () => {
    const [hurt] = verdicts(/hurt at 72 h/);
    const buttonBlock = (hurt!.blocks as Json[]).find((b) => b.type === 'actions');
    const button = buttonBlock.elements[0];
    const opened = slack.callsOf('views.open').length;
    const click = await signer.blockAction({
      user: OPS,
      channel: CHANNEL,
      messageTs: hurt!.ts,
      threadTs: reportTs,
      actionId: button.action_id,
      value: button.value,
      blockId: buttonBlock.block_id,
    });
    expect(click.status).toBe(200);
    const call = (await eventually(
      () => slack.callsOf('views.open')[opened],
      (c) => c !== undefined,
    ))!;
    const view = call.args.view;
    assertValidView(view);
    const listed = JSON.stringify(view.blocks);
    expect(listed).toContain('A1');
    expect(listed).not.toContain('A2');

    const submitted = await signer.viewSubmission({
      user: OPS,
      view,
      values: { [CONFIRM_BLOCK_ID]: { [CONFIRM_ACTION_ID]: { type: 'plain_text_input', value: 'sandbox' } } },
    });
    expect(submitted.status).toBe(200);
    const adset = await eventually(
      () => h.object('11'),
      (o) => o.status === 'ACTIVE',
      60_000,
    );
    expect(adset.status).toBe('ACTIVE');
    expect((await h.object('12')).daily_budget).toBe(240_000);
    const log = (await expectOk(h.cli('action-log', '--json'))).json();
    expect(log.entries.some((e: Json) => e.kind === 'rollback' && e.outcome === 'rolled_back')).toBe(true);
    // Sweeps went on meanwhile: every verdict was posted once.
    expect(verdicts(/at 72 h/)).toHaveLength(2);
  }, 120_000);
});
