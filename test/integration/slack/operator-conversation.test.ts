import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSlackApp, startSlackApp } from '../../../src/slack/app.js';
import { CONFIRM_ACTION_ID, CONFIRM_BLOCK_ID } from '../../../src/slack/blocks/confirm-modal.js';
import { EDIT_BLOCKS } from '../../../src/slack/blocks/edit-modals.js';
import { ACTION_IDS } from '../../../src/slack/blocks/ids.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { assertValidMessage, assertValidView } from '../../support/slack/block-kit.js';
import { FAKE_BOT_TOKEN, FakeSlack } from '../../support/slack/fake-slack.js';
import { SlackSigner } from '../../support/slack/signer.js';

/**
 * The operator conversation of the workflow, typed in Slack: every step below is a request signed as
 * Slack signs it, answered by our Bolt app over HTTP, with Meta played by the simulator and Slack's Web
 * API by the fake. The only things done outside Slack are those a person never does there: connecting
 * with a token (on the host), and the worker running the confirmed work (here, its in-process runner).
 */
const SECRET = 'slack-signing-secret-for-tests';
const CHANNEL = 'C0DEMO0001';
const OPS = 'U0OPS00001';
const ANA = 'U0APPR0001';
const BEN = 'U0APPR0002';
const EVE = 'U0STRANGE1';

describe('the operator conversation through signed Slack requests', () => {
  let h: OpsHarness;
  let slack: FakeSlack;
  let served: RunningSlackApp;
  let signer: SlackSigner;
  let reportTs: string;
  let worker: RunningWorker | undefined;
  const prefix = uniquePrefix('slackconv');

  /** The n-th message posted to a response_url (0: the first). */
  const answerTo = async (responseUrl: string, n = 0, within = 60_000): Promise<string> => {
    const until = Date.now() + within;
    while (Date.now() < until) {
      const post = slack.responsePosts.filter((p) => responseUrl.endsWith(`/${p.id}`))[n];
      if (post) return String((post.body as { text?: string }).text ?? '');
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no answer #${n} was posted to the response_url`);
  };
  /** A slash command: acked at once with an empty body, as Slack allows; the answer follows privately. */
  const slash = async (user: string, text: string) => {
    const res = await signer.command({ user, channel: CHANNEL, text });
    expect(res.status, res.body).toBe(200);
    expect(res.body, 'acked with an empty body').toBe('');
    return { ...res, answer: (n = 0) => answerTo(res.responseUrl, n) };
  };
  const channelMessages = () => slack.messagesIn(CHANNEL);
  /** Bolt acks first and handles after, as Slack requires: what the handler does is seen a moment later. */
  const eventually = async <T>(
    probe: () => Promise<T> | T,
    ok: (v: T) => boolean,
    within = 15_000,
  ): Promise<T> => {
    const until = Date.now() + within;
    let v = await probe();
    while (!ok(v) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      v = await probe();
    }
    return v;
  };
  const counts = async () => (await expectOk(h.cli('status', '--json'))).json().plan?.counts;
  const same = (want: Record<string, number>) => (got: unknown) =>
    JSON.stringify(got) === JSON.stringify(want);

  beforeAll(async () => {
    slack = await FakeSlack.start();
    slack.addChannel(CHANNEL, { name: 'meta-ads', members: [OPS, ANA, BEN, EVE] });
    for (const u of [OPS, ANA, BEN, EVE]) slack.addUser(u);
    h = await startOpsHarness({
      env: {
        REDIS_URL: TEST_REDIS_URL,
        METABUYER_QUEUE_PREFIX: prefix,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
      },
    });
    // On the host: the database and the Meta token (a token is never pasted into Slack).
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
  });

  afterAll(async () => {
    await worker?.close(5_000);
    await served?.stop();
    await h?.close();
    await slack?.close();
  });

  it('sets the agent up from Slack: the first operator, approvers, targets and the channel', async () => {
    const res = await slash(
      OPS,
      `setup --apply --target-cpa 120 --target-roas 1.8 --execution-enabled true --slack-target channel:${CHANNEL} --approvers ${ANA},${BEN}`,
    );
    expect(await res.answer()).toMatch(/target CPA|Applied|updated/i);
    expect(slack.responsePosts.at(-1)?.body).toMatchObject({ response_type: 'ephemeral' });
    const status = (await expectOk(h.cli('status', '--json'))).json();
    expect(status.slack_target).toBe(`channel:${CHANNEL}`);
    const setup = (await expectOk(h.cli('setup', '--json'))).json();
    expect(setup.config.operators).toEqual([OPS]);
    expect(setup.config.approvers).toEqual([ANA, BEN]);
  });

  it('lists in help only what the caller may do', async () => {
    const mine = await (await slash(OPS, 'help')).answer();
    const theirs = await (await slash(EVE, 'help')).answer();
    expect(mine).toContain('execute-actions');
    expect(theirs).not.toContain('execute-actions');
    expect(theirs).not.toContain('`/metabuyer approve`');
    expect(theirs).toContain('pause-agent');
  });

  it('answers a typo in the ack itself, with a hint and nothing done', async () => {
    const res = await signer.command({ user: OPS, channel: CHANNEL, text: 'statsu' });
    expect(res.status).toBe(200);
    expect(res.json.response_type).toBe('ephemeral');
    expect(res.json.text).toMatch(/unknown command "statsu"/);
    expect(slack.responsePosts.filter((p) => res.responseUrl.endsWith(`/${p.id}`))).toEqual([]);
  });

  it('answers doctor later, after acking at once', async () => {
    const res = await slash(OPS, 'doctor');
    expect(await res.answer(0)).toMatch(/Working on `doctor`/);
    expect(await res.answer(1)).toMatch(/PASS/);
  });

  it('runs now (through the worker) and posts the report, which says 2,843.19, as a thread in the channel', async () => {
    // serve and worker side by side, as deployed: the worker polls the new agent at once, then takes run-now.
    worker = await startWorker(h.ctx, {
      prefix,
      metricsPort: null,
      slackSpacingMs: 50,
      relayIntervalMs: 200,
    });
    await eventually(
      () => channelMessages().length,
      (n) => n >= 1,
      60_000,
    );
    const before = channelMessages().length;
    const res = await slash(OPS, 'run-now');
    expect(await res.answer(1)).toContain('spend $2,843.19 | purchases 19 | CPA $149.64 | ROAS 1.21');
    const report = (await eventually(
      () =>
        channelMessages()
          .slice(before)
          .find((m) => !m.thread_ts && m.blocks && m.text.includes('2,843.19')),
      (m) => m !== undefined,
    ))!;
    expect(report.text).toContain('2,843.19');
    assertValidMessage({ text: report.text, blocks: report.blocks });
    reportTs = report.ts;
  });

  it('plans, and posts the approval queue in the report thread with Approve and Reject buttons', async () => {
    const res = await slash(OPS, 'plan-actions');
    expect(await res.answer()).toMatch(/A1/);
    const queue = await eventually(
      () => slack.messagesIn(CHANNEL).find((m) => m.thread_ts === reportTs && m.ts !== reportTs),
      (m) => m !== undefined,
    );
    expect(queue, 'queue posted in the report thread').toBeDefined();
    assertValidMessage({ text: queue!.text, blocks: queue!.blocks });
    expect(JSON.stringify(queue!.blocks)).toContain('mb_approve_action');
  });

  it('takes two approvals and a rejection with its reason as thread replies, and ignores a stranger', async () => {
    await signer.threadReply({ user: ANA, channel: CHANNEL, threadTs: reportTs, text: 'APPROVE A1' });
    await signer.threadReply({
      user: BEN,
      channel: CHANNEL,
      threadTs: reportTs,
      text: `<@${slack.botUserId}> approve a3`,
    });
    await signer.threadReply({
      user: ANA,
      channel: CHANNEL,
      threadTs: reportTs,
      text: 'REJECT A2 too early to judge',
    });
    await signer.threadReply({ user: EVE, channel: CHANNEL, threadTs: reportTs, text: 'APPROVE A2' });
    expect(await eventually(counts, same({ approved: 2, rejected: 1 }))).toEqual({
      approved: 2,
      rejected: 1,
    });
    await eventually(
      () => slack.ephemerals.some((e) => e.user === EVE),
      (v) => v,
    );
    expect(slack.ephemerals.some((e) => e.user === EVE && /approver/.test(e.text))).toBe(true);
    const log = (await expectOk(h.cli('action-log', '--json'))).json();
    expect(JSON.stringify(log)).toContain('too early to judge');
  });

  it('acts once on an event Slack delivers four times', async () => {
    const first = await signer.threadReply({
      user: ANA,
      channel: CHANNEL,
      threadTs: reportTs,
      text: 'CLEAR A1',
    });
    for (let n = 1; n <= 3; n++)
      await signer.event(
        { type: 'message', channel: CHANNEL, user: ANA, text: 'CLEAR A1', ts: first.ts, thread_ts: reportTs },
        { eventId: first.eventId, retry: { num: n, reason: 'http_timeout' } },
      );
    const cleared = { proposed: 1, approved: 1, rejected: 1 };
    expect(await eventually(counts, same(cleared))).toEqual(cleared);
    const clears = async () =>
      (await expectOk(h.cli('action-log', '--json')))
        .json()
        .decisions.filter((d: { key: string; decision: string }) => d.key === 'A1' && d.decision === 'clear')
        .length;
    expect(await clears()).toBe(1);
    await signer.threadReply({ user: ANA, channel: CHANNEL, threadTs: reportTs, text: 'APPROVE A1' });
    expect(await eventually(counts, same({ approved: 2, rejected: 1 }))).toEqual({
      approved: 2,
      rejected: 1,
    });
  });

  it('executes through the modal: a wrong word writes nothing; "sandbox" writes exactly the approved actions', async () => {
    await slash(OPS, 'execute-actions --confirm sandbox');
    const opened = (await eventually(
      () => slack.callsOf('views.open').at(-1),
      (c) => c !== undefined,
    ))!;
    expect(opened.ok).toBe(true);
    const view = opened.args.view;
    assertValidView(view);
    expect(JSON.stringify(view.blocks)).toMatch(/\*A1\*[\s\S]*\*A3\*/);

    const wrong = await signer.viewSubmission({
      user: OPS,
      view,
      values: { [CONFIRM_BLOCK_ID]: { [CONFIRM_ACTION_ID]: { type: 'plain_text_input', value: 'live' } } },
    });
    expect(wrong.json.response_action).toBe('errors');
    expect(await h.writes()).toHaveLength(0);

    const right = await signer.viewSubmission({
      user: OPS,
      view,
      values: { [CONFIRM_BLOCK_ID]: { [CONFIRM_ACTION_ID]: { type: 'plain_text_input', value: 'sandbox' } } },
    });
    expect(right.status).toBe(200);
    expect(right.body === '' || right.json?.response_action === undefined).toBe(true);
    // The worker's part: run what was confirmed.
    // The worker relays the confirmation and runs it.
    const writes = await eventually(
      () => h.writes(),
      (w) => w.length >= 2,
      60_000,
    );
    expect(writes).toHaveLength(2);
    const log = (await expectOk(h.cli('action-log', '--json'))).json();
    const applied = log.entries.filter((e: { outcome: string }) => e.outcome === 'applied');
    expect(applied.map((e: { key: string }) => e.key).sort()).toEqual(['A1', 'A3']);
    expect(
      slack.messagesIn(CHANNEL).some((m) => /confirmed \(sandbox\) to execute A1, A3/.test(m.text)),
    ).toBe(true);
  });

  it("shows App Home per viewer and saves an operator's edit, refusing a bad value with a field error", async () => {
    await signer.appHomeOpened(OPS);
    await signer.appHomeOpened(EVE);
    const opsHome = await eventually(
      () => slack.homeViews.get(OPS),
      (v) => v !== undefined,
    );
    const eveHome = await eventually(
      () => slack.homeViews.get(EVE),
      (v) => v !== undefined,
    );
    // Slack stores a published view with its own ids; what the app sent must be valid Block Kit.
    for (const call of slack.callsOf('views.publish')) assertValidView(call.args.view);
    expect(JSON.stringify(opsHome.blocks)).toContain(ACTION_IDS.editTargets);
    expect(JSON.stringify(eveHome.blocks)).not.toContain(ACTION_IDS.editTargets);

    const opened = slack.callsOf('views.open').length;
    await signer.homeAction({ user: OPS, viewId: opsHome.id, actionId: ACTION_IDS.editTargets });
    const modal = (await eventually(
      () => slack.callsOf('views.open')[opened],
      (c) => c !== undefined,
    ))!.args.view;
    assertValidView(modal);
    const cpa = (value: string) => ({
      [EDIT_BLOCKS.targetCpa]: { value: { type: 'plain_text_input', value } },
      [EDIT_BLOCKS.targetRoas]: { value: { type: 'plain_text_input', value: '1.8' } },
    });
    const bad = await signer.viewSubmission({ user: OPS, view: modal, values: cpa('abc') });
    expect(bad.json.response_action).toBe('errors');
    const good = await signer.viewSubmission({ user: OPS, view: modal, values: cpa('150') });
    expect(good.status).toBe(200);
    const config = (await expectOk(h.cli('setup', '--json'))).json().config;
    expect(config.target_cpa).toBe(15000);
  });

  it('shows the action log and pauses the agent from Slack', async () => {
    const log = await slash(OPS, 'action-log');
    expect(await log.answer()).toContain('A1');
    await (await slash(EVE, 'pause-agent --reason "budget review"')).answer();
    const status = (await expectOk(h.cli('status', '--json'))).json();
    expect(status.halted).toBe(true);
    expect(status.halted_by).toBe(`slack:${EVE}`);
  });

  it('answers a forged signature or a stale timestamp with 401 and does nothing', async () => {
    const forged = await signer.command(
      { user: OPS, channel: CHANNEL, text: 'resume-agent' },
      { forgeSecret: 'not-the-secret' },
    );
    expect(forged.status).toBe(401);
    const stale = await signer.command(
      { user: OPS, channel: CHANNEL, text: 'resume-agent' },
      { ageSeconds: 600 },
    );
    expect(stale.status).toBe(401);
    expect((await expectOk(h.cli('status', '--json'))).json().halted).toBe(true);
  });
});
