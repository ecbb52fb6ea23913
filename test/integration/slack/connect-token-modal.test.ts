/**
 * App Home's "Paste a token" modal through signed Slack requests: the Bolt app (as `metabuyer serve`
 * runs it) in front of a fake Slack, Meta played by the simulator. A bad form or a token Meta refuses
 * gets a field error and stores nothing; a good token becomes an encrypted connection with an agent
 * reporting to the chosen channel, which gets a first status.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open } from '../../../src/lib/crypto.js';
import { TOKEN_PURPOSE } from '../../../src/ops/connect.js';
import { CONNECT_BLOCKS } from '../../../src/slack/blocks/connect-modal.js';
import { ACTION_IDS } from '../../../src/slack/blocks/ids.js';
import {
  ACTIVE_ACCOUNT,
  ALICE,
  BOB,
  CHANNEL,
  type ConnectWorld,
  type SlackSide,
  startConnectWorld,
} from '../../support/connect-world.js';
import { type Json, REVOKED_TOKEN, SYSTEM_TOKEN } from '../../support/sim.js';
import { assertValidMessage, assertValidView } from '../../support/slack/block-kit.js';

let w: ConnectWorld;
let s: SlackSide;

beforeAll(async () => {
  w = await startConnectWorld({ slack: true });
  s = w.slack!;
});
afterAll(async () => w?.close());

async function rows(query: ReturnType<typeof sql>): Promise<Json[]> {
  const { db } = await w.ctx.database();
  const r = (await db.execute(query)) as unknown as Json;
  return r.rows ?? r;
}

async function eventually<T>(
  probe: () => T | Promise<T>,
  ok: (v: T) => boolean,
  within = 10_000,
): Promise<T> {
  const until = Date.now() + within;
  let v = await probe();
  while (!ok(v) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    v = await probe();
  }
  return v;
}

/** Opens Home as `user` and waits for the view published after that. */
async function homeOf(user: string): Promise<Json> {
  const before = s.fake.callsOf('views.publish').length;
  await s.signer.appHomeOpened(user);
  await eventually(
    () => s.fake.callsOf('views.publish').length,
    (n) => n > before,
  );
  return s.fake.homeViews.get(user);
}

function elements(view: Json): Json[] {
  return view.blocks.flatMap((b: Json) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]);
}

function form(token: string, account: string, channel?: string): Record<string, Record<string, Json>> {
  return {
    [CONNECT_BLOCKS.token]: { value: { type: 'plain_text_input', value: token } },
    [CONNECT_BLOCKS.adAccount]: { value: { type: 'plain_text_input', value: account } },
    [CONNECT_BLOCKS.environment]: {
      value: { type: 'radio_buttons', selected_option: { value: 'sandbox' } },
    },
    [CONNECT_BLOCKS.channel]: { value: { type: 'channels_select', selected_channel: channel ?? null } },
  };
}

describe('the Paste a token modal', () => {
  let modal: Json;

  it('opens from the Home of someone who may connect, valid Block Kit, token field empty', async () => {
    const home = await homeOf(ALICE.id);
    const paste = elements(home).find((e) => e.action_id === ACTION_IDS.pasteToken);
    expect(paste).toBeDefined();
    const opened = s.fake.callsOf('views.open').length;
    await s.signer.homeAction({
      user: ALICE.id,
      viewId: home.id,
      actionId: ACTION_IDS.pasteToken,
      value: 'token',
    });
    const call = (await eventually(
      () => s.fake.callsOf('views.open')[opened],
      (c) => c !== undefined,
    ))!;
    expect(call.ok, call.error ?? '').toBe(true);
    modal = call.args.view;
    assertValidView(modal);
    expect(JSON.stringify(modal)).not.toContain('initial_value');
  });

  it('refuses a malformed token and ad account with field errors, storing nothing', async () => {
    const res = await s.signer.viewSubmission({ user: ALICE.id, view: modal, values: form('abc', 'store') });
    expect(res.json.response_action).toBe('errors');
    expect(Object.keys(res.json.errors).sort()).toEqual(
      [CONNECT_BLOCKS.adAccount, CONNECT_BLOCKS.token].sort(),
    );
    expect(await rows(sql`select id from meta_connections`)).toHaveLength(0);
  });

  it('refuses a token Meta does not accept with an error under the token field, storing nothing', async () => {
    const res = await s.signer.viewSubmission({
      user: ALICE.id,
      view: modal,
      values: form(REVOKED_TOKEN, ACTIVE_ACCOUNT, CHANNEL),
    });
    expect(res.json.response_action).toBe('errors');
    expect(res.json.errors[CONNECT_BLOCKS.token]).toMatch(/not valid/);
    expect(res.body).not.toContain(REVOKED_TOKEN);
    expect(await rows(sql`select id from meta_connections`)).toHaveLength(0);
    expect(await rows(sql`select id from agents`)).toHaveLength(0);
  });

  it('stores a good token encrypted, binds the agent to the channel and posts a first status there', async () => {
    const res = await s.signer.viewSubmission({
      user: ALICE.id,
      view: modal,
      values: form(SYSTEM_TOKEN, '1000000001', CHANNEL),
    });
    expect(res.status).toBe(200);
    expect(res.body === '' || res.json?.response_action === undefined, res.body).toBe(true);
    const [conn] = await rows(sql`select access_token_sealed, environment, method from meta_connections`);
    expect(conn.method).toBe('token');
    expect(conn.environment).toBe('sandbox');
    expect(conn.access_token_sealed).not.toContain(SYSTEM_TOKEN);
    expect(open(w.ctx.keyring(), conn.access_token_sealed, TOKEN_PURPOSE)).toBe(SYSTEM_TOKEN);
    const status = (await w.cli('status', '--json')).json();
    expect(status).toMatchObject({ ad_account_id: ACTIVE_ACCOUNT, slack_target: `channel:${CHANNEL}` });

    const first = await eventually(
      () => s.fake.messagesIn(CHANNEL).find((m) => m.text.includes('MetaBuyer connected')),
      (m) => m !== undefined,
    );
    expect(first, 'first status posted').toBeDefined();
    assertValidMessage({ text: first!.text, blocks: first!.blocks });
    expect(JSON.stringify(first!.blocks)).toContain(`<@${ALICE.id}> connected *Demo Store US*`);
    expect(JSON.stringify(first!.blocks)).toContain('Environment:');
    for (const m of s.fake.messagesIn(CHANNEL)) expect(JSON.stringify(m)).not.toContain(SYSTEM_TOKEN);

    const home = s.fake.homeViews.get(ALICE.id);
    expect(JSON.stringify(home.blocks)).toContain(':large_green_circle:');
    for (const c of s.fake.callsOf('views.publish')) assertValidView(c.args.view);
    expect(w.logLines.join('\n')).not.toContain(SYSTEM_TOKEN);
  });

  it('is not offered to someone who is not an operator, and refuses their submission', async () => {
    const home = await homeOf(BOB.id);
    expect(elements(home).some((e) => e.action_id === ACTION_IDS.pasteToken)).toBe(false);
    const res = await s.signer.viewSubmission({
      user: BOB.id,
      view: modal,
      values: form(SYSTEM_TOKEN, ACTIVE_ACCOUNT, CHANNEL),
    });
    expect(res.json.response_action).toBe('errors');
    expect(res.json.errors[CONNECT_BLOCKS.adAccount]).toMatch(/Only an operator/);
  });
  it('`/metabuyer connect` alone opens the same form for an operator; a token typed after it is refused', async () => {
    const answerTo = async (responseUrl: string): Promise<string> => {
      const post = await eventually(
        () => s.fake.responsePosts.find((p) => responseUrl.endsWith(`/${p.id}`)),
        (p) => p !== undefined,
      );
      return String(post?.body?.text ?? '');
    };
    const opened = s.fake.callsOf('views.open').length;
    const res = await s.signer.command({ user: ALICE.id, channel: CHANNEL, text: 'connect' });
    expect(res.status).toBe(200);
    expect(await answerTo(res.responseUrl)).toMatch(/Opened a private form/);
    const call = s.fake.callsOf('views.open')[opened];
    expect(call?.ok).toBe(true);
    expect(call!.args.view.callback_id).toBe('mb_connect_token');
    assertValidView(call!.args.view);

    const bob = await s.signer.command({ user: BOB.id, channel: CHANNEL, text: 'connect' });
    expect(await answerTo(bob.responseUrl)).toMatch(/Only an operator/);
    const typed = await s.signer.command({
      user: ALICE.id,
      channel: CHANNEL,
      text: `connect --access-token ${SYSTEM_TOKEN} --ad-account act_1000000009`,
    });
    expect(typed.json.text).toMatch(/never be typed into a Slack message/);
    expect(typed.body).not.toContain(SYSTEM_TOKEN);
    expect(
      await rows(sql`select id from meta_connections where ad_account_id = 'act_1000000009'`),
    ).toHaveLength(0);
  });
});
