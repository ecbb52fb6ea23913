import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ACTION_IDS,
  CALLBACK_IDS,
  CONFIRM_ACTION_ID,
  CONFIRM_BLOCK_ID,
  parseActionButtonValue,
  renderApprovalQueue,
  renderConfirmModal,
  renderHome,
  validateConfirmSubmission,
} from '../../../src/slack/blocks/index.js';
import { FAKE_BOT_TOKEN, FakeSlack, quietLogger } from '../../support/slack/fake-slack.js';
import { SlackSigner } from '../../support/slack/signer.js';

// biome-ignore lint/suspicious/noExplicitAny: Bolt payloads are checked by the assertions
type Json = any;

const SECRET = 'fake-signing-secret-0123456789abcdef';
const CHANNEL = 'C0REPORTS1';
const OPERATOR = 'U0OPERATOR';

let slack: FakeSlack;
let app: App;
let server: Server;
let signer: SlackSigner;
const seen: { kind: string; data: Json }[] = [];

beforeAll(async () => {
  slack = await FakeSlack.start();
  slack.addUser(OPERATOR, { name: 'olga' }).addChannel(CHANNEL, { members: [OPERATOR] });
  const receiver = new HTTPReceiver({ signingSecret: SECRET, logger: quietLogger as never });
  app = new App({
    receiver,
    token: FAKE_BOT_TOKEN,
    logger: quietLogger as never,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/metabuyer', async ({ ack, command, client }) => {
    await ack();
    seen.push({ kind: 'command', data: command });
    await client.views.open({
      trigger_id: command.trigger_id,
      view: renderConfirmModal({
        kind: 'execute',
        agentId: 'agt_1',
        planId: 'pln_01ABC',
        adAccountId: 'act_1000000001',
        accountName: 'Demo <Store>',
        environment: 'live',
        currency: 'USD',
        items: [
          {
            key: 'A1',
            entity: { level: 'adset', id: '2000000001', name: 'Prospecting' },
            change: { type: 'update_daily_budget', from: 15000, to: 12000 },
          },
        ],
      }) as Json,
    });
  });
  app.view(CALLBACK_IDS.confirmExecute, async ({ ack, view }) => {
    const verdict = validateConfirmSubmission(view.state.values as Json, 'live');
    seen.push({ kind: 'view', data: verdict });
    await (verdict.ok ? ack() : ack(verdict.response));
  });
  app.action(ACTION_IDS.approve, async ({ ack, action }) => {
    await ack();
    seen.push({ kind: 'approve', data: parseActionButtonValue((action as { value?: string }).value) });
  });
  app.event('message', async ({ event, context, body }) => {
    seen.push({
      kind: 'message',
      data: {
        event,
        retryNum: context.retryNum,
        retryReason: context.retryReason,
        eventId: (body as Json).event_id,
      },
    });
  });
  app.event('app_home_opened', async ({ event, client }) => {
    await client.views.publish({
      user_id: event.user,
      view: renderHome({
        viewer: { userId: event.user, isOperator: false, isApprover: false },
        agent: null,
      }) as Json,
    });
  });
  server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  signer = new SlackSigner({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRET, slack });
});

afterAll(async () => {
  await app.stop();
  await slack.close();
});

beforeEach(() => {
  seen.length = 0;
});

/** Bolt acks before the listener finishes; wait for what the listener records. */
async function waitFor(kind: string): Promise<Json> {
  for (let i = 0; i < 100; i++) {
    const hit = seen.find((s) => s.kind === kind);
    if (hit) return hit.data;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${kind} reached the app`);
}

describe('signed requests to a real Bolt app', () => {
  it('answers Slack’s url_verification handshake with the challenge', async () => {
    const res = await signer.urlVerification('challenge-123');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ challenge: 'challenge-123' });
  });

  it('accepts a signed slash command, whose trigger_id opens the confirmation modal in Slack', async () => {
    const res = await signer.command({ user: OPERATOR, channel: CHANNEL, text: 'execute-actions' });
    expect(res.status).toBe(200);
    const command = await waitFor('command');
    expect(command).toMatchObject({ text: 'execute-actions', user_id: OPERATOR, trigger_id: res.triggerId });
    await expect.poll(() => slack.callsOf('views.open').at(-1)?.ok).toBe(true);
    const view = slack.callsOf('views.open').at(-1)!.args.view;
    expect(view.callback_id).toBe(CALLBACK_IDS.confirmExecute);
    expect(JSON.parse(view.private_metadata)).toEqual({
      agentId: 'agt_1',
      planId: 'pln_01ABC',
      kind: 'execute',
    });
  });

  it('refuses a forged signature and a stale timestamp with 401, and runs no listener', async () => {
    const forged = await signer.command(
      { user: OPERATOR, channel: CHANNEL, text: 'x' },
      { forgeSecret: 'wrong' },
    );
    expect(forged.status).toBe(401);
    const garbage = await signer.command(
      { user: OPERATOR, channel: CHANNEL, text: 'x' },
      { signature: 'v0=00' },
    );
    expect(garbage.status).toBe(401);
    const stale = await signer.command(
      { user: OPERATOR, channel: CHANNEL, text: 'x' },
      { ageSeconds: 6 * 60 },
    );
    expect(stale.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
  });

  it('delivers a thread reply as a message event, and marks Slack’s redelivery with its retry number', async () => {
    const parent = slack.postAsUser(CHANNEL, OPERATOR, 'report');
    const first = await signer.threadReply({
      user: OPERATOR,
      channel: CHANNEL,
      threadTs: parent.ts,
      text: 'APPROVE A1',
    });
    expect(first.status).toBe(200);
    expect(await waitFor('message')).toMatchObject({
      event: { text: 'APPROVE A1', thread_ts: parent.ts, user: OPERATOR },
      eventId: first.eventId,
      retryNum: undefined,
    });
    seen.length = 0;
    const again = await signer.event(
      {
        type: 'message',
        channel: CHANNEL,
        user: OPERATOR,
        text: 'APPROVE A1',
        ts: first.ts,
        thread_ts: parent.ts,
      },
      { eventId: first.eventId, retry: { num: 1, reason: 'http_timeout' } },
    );
    expect(again.status).toBe(200);
    expect(await waitFor('message')).toMatchObject({
      eventId: first.eventId,
      retryNum: 1,
      retryReason: 'http_timeout',
    });
  });

  it('routes an Approve button from a rendered queue to the plan and key it names', async () => {
    const [queue] = renderApprovalQueue({
      planId: 'pln_01ABC',
      agentId: 'agt_1',
      adAccountId: 'act_1000000001',
      currency: 'USD',
      environment: 'sandbox',
      state: 'active',
      expiresAt: '2026-12-02T09:00:00Z',
      actions: [
        {
          key: 'A2',
          entity: { level: 'ad', id: '3000000002', name: 'Carousel' },
          change: { type: 'set_status', from: 'ACTIVE', to: 'PAUSED' },
          requiresApproval: true,
          status: 'proposed',
          why: 'Spent $300 with no purchase.',
          evidenceGrade: null,
        },
      ],
    });
    const posted = await app.client.chat.postMessage({
      channel: CHANNEL,
      text: queue!.text,
      blocks: queue!.blocks as Json,
    });
    const button = (queue!.blocks.find((b) => b.type === 'actions') as Json).elements[0];
    const res = await signer.blockAction({
      user: OPERATOR,
      channel: CHANNEL,
      messageTs: posted.ts!,
      actionId: button.action_id,
      value: button.value,
    });
    expect(res.status).toBe(200);
    expect(await waitFor('approve')).toEqual({ planId: 'pln_01ABC', key: 'A2' });
  });

  it('answers a confirmation with the wrong word with field errors, and the right word with a plain ack', async () => {
    const view = slack.callsOf('views.open').at(-1)?.args.view ?? {
      callback_id: CALLBACK_IDS.confirmExecute,
    };
    const submit = (word: string) =>
      signer.viewSubmission({
        user: OPERATOR,
        view,
        values: { [CONFIRM_BLOCK_ID]: { [CONFIRM_ACTION_ID]: { type: 'plain_text_input', value: word } } },
      });
    const wrong = await submit('sandbox');
    expect(wrong.status).toBe(200);
    expect(wrong.json).toEqual({
      response_action: 'errors',
      errors: { [CONFIRM_BLOCK_ID]: expect.stringContaining('this connection is live') },
    });
    const right = await submit('live');
    expect(right.status).toBe(200);
    expect(right.body).toBe('');
  });

  it('publishes a valid Home tab when a user opens it', async () => {
    const res = await signer.appHomeOpened(OPERATOR);
    expect(res.status).toBe(200);
    await expect.poll(() => slack.homeViews.get(OPERATOR)?.type).toBe('home');
  });
});
