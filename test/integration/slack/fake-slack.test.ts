import { ErrorCode, WebClient, WebClientEvent } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebApiThreadReader } from '../../../src/slack/thread-reader.js';
import { FAKE_BOT_TOKEN, FakeSlack, quietLogger } from '../../support/slack/fake-slack.js';

// biome-ignore lint/suspicious/noExplicitAny: Web API answers are checked by the assertions
type Json = any;

const CHANNEL = 'C0REPORTS1';
const APPROVER = 'U0APPROVER';

let clockMs = Date.parse('2026-12-01T09:00:00Z');
let slack: FakeSlack;

function client(token = FAKE_BOT_TOKEN, extra: ConstructorParameters<typeof WebClient>[1] = {}): WebClient {
  return new WebClient(token, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    logger: quietLogger,
    ...extra,
  });
}

async function slackError(p: Promise<unknown>): Promise<Json> {
  try {
    await p;
  } catch (e) {
    return (e as { data?: Json }).data ?? e;
  }
  throw new Error('expected Slack to refuse the call');
}

beforeAll(async () => {
  slack = await FakeSlack.start({ now: () => clockMs });
  slack.addUser(APPROVER, { name: 'ana', realName: 'Ana Approver' }).addChannel(CHANNEL, {
    name: 'ads-reports',
    members: [APPROVER],
  });
});
afterAll(async () => {
  await slack.close();
});
afterEach(() => {
  clockMs += 60_000;
});

describe('the fake Slack Web API, through @slack/web-api', () => {
  it('keeps messages and thread replies so history, replies, update and permalinks work', async () => {
    const web = client();
    const parent = await web.chat.postMessage({
      channel: CHANNEL,
      text: 'Report',
      blocks: [section('Report')],
    });
    expect(parent.ok).toBe(true);
    const reply = await web.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: 'Queue' });
    slack.postAsUser(CHANNEL, APPROVER, 'APPROVE A1', parent.ts!);

    const replies = await web.conversations.replies({ channel: CHANNEL, ts: parent.ts! });
    expect(replies.messages!.map((m) => m.text)).toEqual(['Report', 'Queue', 'APPROVE A1']);
    expect(replies.messages![0]).toMatchObject({ reply_count: 2, thread_ts: parent.ts });
    const after = await web.conversations.replies({ channel: CHANNEL, ts: parent.ts!, oldest: reply.ts! });
    expect(after.messages!.map((m) => m.text)).toEqual(['Report', 'APPROVE A1']);

    const history = await web.conversations.history({ channel: CHANNEL });
    expect(history.messages!.map((m) => m.text)).toContain('Report');
    expect(history.messages!.map((m) => m.text)).not.toContain('Queue');

    await web.chat.update({
      channel: CHANNEL,
      ts: parent.ts!,
      text: 'Report (updated)',
      blocks: [section('v2')],
    });
    expect(slack.message(CHANNEL, parent.ts!)).toMatchObject({
      text: 'Report (updated)',
      edited: expect.anything(),
    });
    const link = await web.chat.getPermalink({ channel: CHANNEL, message_ts: parent.ts! });
    expect(link.permalink).toContain(`/archives/${CHANNEL}/p${parent.ts!.replace('.', '')}`);
  });

  it('refuses to update a message that is not there, or one a person wrote', async () => {
    const web = client();
    expect(
      (await slackError(web.chat.postMessage({ channel: CHANNEL, thread_ts: '0', text: 'x' }))).error,
    ).toBe('invalid_thread_ts');
    expect(
      (
        await slackError(
          web.chat.postMessage({ channel: CHANNEL, thread_ts: '1000000000.000001', text: 'x' }),
        )
      ).error,
    ).toBe('thread_not_found');
    expect((await slackError(web.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' }))).error).toBe(
      'message_not_found',
    );
    const human = slack.postAsUser(CHANNEL, APPROVER, 'hello');
    expect((await slackError(web.chat.update({ channel: CHANNEL, ts: human.ts, text: 'x' }))).error).toBe(
      'cant_update_message',
    );
  });

  it('answers channels, members, users and ephemerals as Slack does', async () => {
    const web = client();
    expect((await web.conversations.info({ channel: CHANNEL })).channel).toMatchObject({
      name: 'ads-reports',
      is_member: true,
    });
    expect((await web.conversations.members({ channel: CHANNEL })).members).toContain(APPROVER);
    expect((await web.users.info({ user: APPROVER })).user).toMatchObject({ real_name: 'Ana Approver' });
    expect((await slackError(web.users.info({ user: 'U0NOBODY' }))).error).toBe('user_not_found');
    expect((await slackError(web.chat.postMessage({ channel: 'C0UNKNOWN', text: 'x' }))).error).toBe(
      'channel_not_found',
    );
    await web.chat.postEphemeral({ channel: CHANNEL, user: APPROVER, text: 'only you' });
    expect(slack.ephemerals.at(-1)).toMatchObject({ user: APPROVER, text: 'only you' });
    expect(slack.messagesIn(CHANNEL).some((m) => m.text === 'only you')).toBe(false);
  });

  it('refuses a missing token with not_authed and an unknown one with invalid_auth, and never records tokens', async () => {
    const raw = await fetch(`${slack.apiUrl}auth.test`, { method: 'POST' });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ ok: false, error: 'not_authed' });
    expect((await slackError(client('xoxb-stolen').auth.test())).error).toBe('invalid_auth');
    const ok = await client().auth.test();
    expect(ok).toMatchObject({ user_id: slack.botUserId, team_id: slack.teamId });
    expect(JSON.stringify(slack.calls)).not.toContain(FAKE_BOT_TOKEN);
    expect(slack.callsOf('auth.test').at(-1)).toMatchObject({ auth: 'bot', ok: true });
  });

  it('accepts JSON bodies with a bearer token, as well as the forms WebClient sends', async () => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${FAKE_BOT_TOKEN}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ channel: CHANNEL, text: 'json', blocks: [section('json')] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: CHANNEL });
    await client().chat.postMessage({ channel: CHANNEL, text: 'form', blocks: [section('form')] });
    const [json, form] = slack.callsOf('chat.postMessage').slice(-2);
    expect(json!.contentType).toMatch(/^application\/json/);
    expect(form!.contentType).toBe('application/x-www-form-urlencoded');
    expect(form!.args.blocks).toEqual([section('form')]);
  });

  it('answers invalid_blocks, with Slack’s pointer, for blocks the schema refuses', async () => {
    const err = await slackError(
      client().chat.postMessage({
        channel: CHANNEL,
        text: 'bad',
        blocks: [{ type: 'section', text: 'plain' }] as Json,
      }),
    );
    expect(err.error).toBe('invalid_blocks');
    expect(err.response_metadata.messages.join('\n')).toMatch(/\[json-pointer:\/blocks\/0\/text\]/);
    expect(slack.messagesIn(CHANNEL).some((m) => m.text === 'bad')).toBe(false);
  });

  it('refuses more than 50 blocks in a message, a section over 3 000 characters, and over-long block text', async () => {
    const web = client();
    const many = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    expect(
      (await slackError(web.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: many }))).error,
    ).toBe('invalid_blocks');
    expect(
      (
        await slackError(
          web.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: [section('y'.repeat(3001))] }),
        )
      ).error,
    ).toBe('invalid_blocks');
    const long = Array.from({ length: 5 }, () => section('z'.repeat(2900)));
    expect(
      (await slackError(web.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: long }))).error,
    ).toBe('msg_blocks_too_long');
    await expect(
      web.chat.postMessage({
        channel: CHANNEL,
        text: 'x',
        blocks: Array.from({ length: 50 }, () => section('ok')),
      }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('answers scripted errors for the next N calls of a method, then recovers', async () => {
    slack.fail('conversations.replies', { error: 'ratelimited', times: 2 });
    const web = client();
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: 'p' });
    for (let i = 0; i < 2; i++) {
      expect((await slackError(web.conversations.replies({ channel: CHANNEL, ts: parent.ts! }))).error).toBe(
        'ratelimited',
      );
    }
    await expect(web.conversations.replies({ channel: CHANNEL, ts: parent.ts! })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('surfaces HTTP 429 with Retry-After to WebClient, whose retry waits that long and then succeeds', async () => {
    slack.fail('chat.postMessage', { retryAfter: 1 });
    const web = client(FAKE_BOT_TOKEN, {
      retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 10 },
    });
    const waits: number[] = [];
    web.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const before = slack.callsOf('chat.postMessage').length;
    const started = Date.now();
    const res = await web.chat.postMessage({ channel: CHANNEL, text: 'after a rate limit' });
    expect(res.ok).toBe(true);
    expect(waits).toEqual([1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(
      slack
        .callsOf('chat.postMessage')
        .slice(before)
        .map((c) => c.status),
    ).toEqual([429, 200]);
  });

  it('lets a client that refuses to wait see the rate limit and its delay', async () => {
    slack.fail('chat.update', { retryAfter: 30 });
    const web = client(FAKE_BOT_TOKEN, { rejectRateLimitedCalls: true });
    const err = await web.chat.update({ channel: CHANNEL, ts: '1.1', text: 'x' }).catch((e) => e);
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(30);
  });

  it('opens a modal with a fresh trigger_id, and refuses an expired, reused or unknown one', async () => {
    const web = client();
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Hello' },
      blocks: [section('hi')],
    };
    const fresh = slack.issueTriggerId();
    const opened = await web.views.open({ trigger_id: fresh, view });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), type: 'modal' });
    expect((await slackError(web.views.open({ trigger_id: fresh, view }))).error).toBe(
      'exchanged_trigger_id',
    );

    const old = slack.issueTriggerId();
    clockMs += 3001;
    expect((await slackError(web.views.open({ trigger_id: old, view }))).error).toBe('expired_trigger_id');
    expect((await slackError(web.views.open({ trigger_id: '1.2.nope', view }))).error).toBe(
      'invalid_trigger_id',
    );

    const updated = await web.views.update({
      view_id: opened.view!.id!,
      view: { ...view, title: { type: 'plain_text', text: 'Again' } },
    });
    expect(updated.view!.title!.text).toBe('Again');
    expect(
      (await slackError(web.views.update({ view_id: opened.view!.id!, hash: 'stale', view }))).error,
    ).toBe('hash_conflict');
  });

  it('refuses a view the schema refuses (a title over 24 characters)', async () => {
    const err = await slackError(
      client().views.open({
        trigger_id: slack.issueTriggerId(),
        view: { type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [section('a')] },
      }),
    );
    expect(err.error).toBe('invalid_arguments');
    expect(err.response_metadata.messages.join()).toMatch(/json-pointer:\/view\/title/);
  });

  it('publishes a Home tab per user', async () => {
    await client().views.publish({ user_id: APPROVER, view: { type: 'home', blocks: [section('home')] } });
    expect(slack.homeViews.get(APPROVER)).toMatchObject({ type: 'home' });
  });

  it('records posts to a response_url, refuses invalid blocks there, and stops after five uses', async () => {
    const url = slack.issueResponseUrl();
    const post = (body: Json) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ text: 'x', blocks: [{ type: 'nope' }] })).status).toBe(400);
    for (let i = 0; i < 5; i++)
      expect((await post({ text: `ok ${i}`, replace_original: false })).status).toBe(200);
    expect((await post({ text: 'sixth' })).status).toBe(404);
    expect(slack.responsePosts.filter((p) => url.endsWith(p.id)).map((p) => p.body.text)).toEqual([
      'ok 0',
      'ok 1',
      'ok 2',
      'ok 3',
      'ok 4',
    ]);
  });
});

describe('the existing thread reader against the fake', () => {
  it('pages through 250 replies, skipping the bot and the parent, from after the last one read', async () => {
    const web = client();
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: 'Approval queue' });
    await web.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: 'bot note' });
    const replies = Array.from({ length: 250 }, (_, i) =>
      slack.postAsUser(CHANNEL, APPROVER, `APPROVE A${i + 1}`, parent.ts!),
    );
    const reader = new WebApiThreadReader({ botToken: FAKE_BOT_TOKEN, apiUrl: slack.apiUrl });
    const before = slack.callsOf('conversations.replies').length;
    const all = await reader.replies(CHANNEL, parent.ts!, undefined);
    expect(all).toHaveLength(250);
    expect(all[0]).toEqual({ ts: replies[0]!.ts, user: APPROVER, text: 'APPROVE A1' });
    expect(slack.callsOf('conversations.replies').length - before).toBe(2);
    const newer = await reader.replies(CHANNEL, parent.ts!, replies[247]!.ts);
    expect(newer.map((r) => r.text)).toEqual(['APPROVE A249', 'APPROVE A250']);
  });
});

function section(text: string) {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}
