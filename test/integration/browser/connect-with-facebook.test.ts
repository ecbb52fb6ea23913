/**
 * Connect with Facebook in a real headless Chromium: the dialog URL our code builds (as App Home's
 * button opens it), the simulator's login dialog, Continue or Cancel, and the callback page served by our
 * handler at PUBLIC_URL. Then the ad-account choice, a run, token maintenance with both clocks moved, and
 * a sweep for secrets in pages, log lines and stored rows.
 */
import { sql } from 'drizzle-orm';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { open } from '../../../src/lib/crypto.js';
import { TOKEN_PURPOSE } from '../../../src/ops/connect.js';
import { chooseAdAccount } from '../../../src/ops/meta-oauth-choose.js';
import { maintainToken } from '../../../src/ops/token-maintenance.js';
import { ACTION_IDS, HOME_BLOCKS } from '../../../src/slack/blocks/ids.js';
import {
  ACTIVE_ACCOUNT,
  ALICE,
  BOB,
  CHANNEL,
  CLOSED_ACCOUNT,
  type ConnectWorld,
  type SlackSide,
  startConnectWorld,
  TEAM,
} from '../../support/connect-world.js';
import { APP_SECRET, type Json } from '../../support/sim.js';
import { assertValidView } from '../../support/slack/block-kit.js';

const DAY = 86_400_000;
const START = Date.parse('2026-11-20T15:00:00Z');

let w: ConnectWorld;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  w = await startConnectWorld();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await w?.close();
});
beforeEach(async () => {
  await w.admin('/__sim/reset', {});
  const { db } = await w.ctx.database();
  await db.execute(
    sql`truncate meta_oauth_states, meta_oauth_grants, outbox, agents, meta_connections cascade`,
  );
  w.clock.set(START);
  page = await browser.newPage();
});
afterEach(async () => page?.close());

async function rows(query: ReturnType<typeof sql>): Promise<Json[]> {
  const { db } = await w.ctx.database();
  const r = (await db.execute(query)) as unknown as Json;
  return r.rows ?? r;
}

const callbackUrl = () => new RegExp(`^${w.publicUrl}/meta/oauth/callback`);

async function openDialog(): Promise<void> {
  await page.goto(await w.dialogUrl(ALICE, CHANNEL));
  await expect(page.locator('#user').textContent()).resolves.toContain('Sim User 900000000000002');
}

describe('Connect with Facebook in a browser', () => {
  it('Continue lands on the success page; the chosen account runs; its token is renewed once and warns once when revoked', async () => {
    await openDialog();
    await expect(page.locator('#scopes li').count()).resolves.toBe(5);
    await page.click('#continue');
    await page.waitForURL(callbackUrl());
    const code = new URL(page.url()).searchParams.get('code') as string;
    const state = new URL(page.url()).searchParams.get('state') as string;
    expect(code).toBeTruthy();
    await expect(page.locator('#title').textContent()).resolves.toBe('Facebook connected');
    await expect(page.locator(`li[data-ad-account="${ACTIVE_ACCOUNT}"]`).textContent()).resolves.toContain(
      'Demo Store US',
    );
    await expect(page.locator('#back-to-slack').getAttribute('href')).resolves.toBe(
      `https://slack.com/app_redirect?team=${TEAM}&channel=${CHANNEL}`,
    );

    // Reloading the callback (same state, same code) connects nothing more.
    await page.reload();
    await expect(page.locator('#title').textContent()).resolves.toBe('This login link has already been used');
    expect(await rows(sql`select id from meta_oauth_grants`)).toHaveLength(1);

    const { connectionId } = await chooseAdAccount(w.ctx, { actor: ALICE, adAccountId: ACTIVE_ACCOUNT });
    const run = await w.cli('run-now', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().run.currency).toBe('USD');

    // Token maintenance, both clocks moved: renewed at 7 days before expiry, once.
    const expires = new Date(
      (await rows(sql`select token_expires_at from meta_connections`))[0].token_expires_at,
    );
    const at = expires.getTime() - 7 * DAY;
    w.clock.set(at);
    await w.admin('/__sim/clock', { now: new Date(at).toISOString() });
    expect((await maintainToken(w.ctx, connectionId)).outcome).toBe('renewed');
    expect((await maintainToken(w.ctx, connectionId)).outcome).toBe('healthy');
    const calls = (await w.admin('/__sim/calls')).calls as Json[];
    // Two exchanges at login (code, then long-lived) and one renewal.
    expect(calls.filter((c) => c.path === '/oauth/access_token')).toHaveLength(3);

    // Revoked at Meta: writes halt and the channel is warned once.
    await w.admin('/__sim/revoke', { user_id: '900000000000002' });
    expect((await maintainToken(w.ctx, connectionId)).outcome).toBe('halted');
    w.clock.advance(DAY);
    expect((await maintainToken(w.ctx, connectionId)).warning).toBeNull();
    expect(await rows(sql`select id from outbox where topic = 'slack.connection_warning'`)).toHaveLength(1);
    expect((await rows(sql`select halted from agents`))[0].halted).toBe(true);

    // No token, code, state or app secret in a page, a log line or a stored row.
    const token = open(
      w.ctx.keyring(),
      (await rows(sql`select access_token_sealed from meta_connections`))[0].access_token_sealed,
      TOKEN_PURPOSE,
    );
    const stored = JSON.stringify(
      await rows(
        sql`select (select json_agg(c) from meta_connections c) as c, (select json_agg(g) from meta_oauth_grants g) as g, (select json_agg(s) from meta_oauth_states s) as s, (select json_agg(o) from outbox o) as o`,
      ),
    );
    const logs = w.logLines.join('\n');
    const pages = w.pages.join('\n');
    for (const secret of [token, code, state, APP_SECRET]) {
      expect(stored).not.toContain(secret);
      expect(logs).not.toContain(secret);
      expect(pages).not.toContain(secret);
    }
  });

  it('Cancel lands on a page saying nothing was connected, and stores nothing', async () => {
    await openDialog();
    await page.click('#cancel');
    await page.waitForURL(callbackUrl());
    expect(new URL(page.url()).searchParams.get('error_reason')).toBe('user_denied');
    await expect(page.locator('#title').textContent()).resolves.toBe('Facebook login cancelled');
    await expect(page.locator('#problem').textContent()).resolves.toContain('nothing was connected');
    expect(await rows(sql`select id from meta_oauth_grants`)).toHaveLength(0);
    expect(await rows(sql`select id from meta_connections`)).toHaveLength(0);
  });

  it('an expired state gets a clear page and stores nothing', async () => {
    await openDialog();
    w.clock.advance(16 * 60_000);
    await page.click('#continue');
    await page.waitForURL(callbackUrl());
    await expect(page.locator('#title').textContent()).resolves.toBe('This login link has expired');
    await expect(page.locator('#problem').textContent()).resolves.toContain('15 minutes');
    expect(await rows(sql`select id from meta_oauth_grants`)).toHaveLength(0);
  });

  it('a reused state gets a clear page and stores nothing more', async () => {
    const url = await w.dialogUrl(ALICE, CHANNEL);
    await page.goto(url);
    await page.click('#continue');
    await page.waitForURL(callbackUrl());
    await expect(page.locator('#title').textContent()).resolves.toBe('Facebook connected');
    // The same dialog URL again: Meta issues a fresh code, but our state was used.
    await page.goto(url);
    await page.click('#continue');
    await page.waitForURL(callbackUrl());
    await expect(page.locator('#title').textContent()).resolves.toBe('This login link has already been used');
    expect(await rows(sql`select id from meta_oauth_grants`)).toHaveLength(1);
    expect(await rows(sql`select id from meta_connections`)).toHaveLength(0);
  });
});

/**
 * The same login started where people start it: App Home. The view the app publishes for an operator
 * (through a signed app_home_opened) carries the Connect with Facebook URL; Chromium opens it, continues
 * on the simulator's dialog and lands on serve's callback page; the callback re-publishes Home with the
 * account choice, and a signed block_actions picks the account.
 */
describe('Connect with Facebook from App Home', () => {
  let h: ConnectWorld;
  let s: SlackSide;
  let tab: Page;

  beforeAll(async () => {
    h = await startConnectWorld({ slack: true });
    s = h.slack!;
    h.clock.set(START);
    tab = await browser.newPage();
  });
  afterAll(async () => {
    await tab?.close();
    await h?.close();
  });

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
  const published = () => s.fake.callsOf('views.publish');
  /** What the app sent (Slack stores it with its own id, hash and state). */
  const sentTo = (user: string) =>
    published()
      .filter((c) => c.args.user_id === user)
      .at(-1)!.args.view;
  async function homeOf(user: string): Promise<Json> {
    const before = published().length;
    await s.signer.appHomeOpened(user);
    await eventually(
      () => published().filter((c) => c.args.user_id === user).length > 0 && published().length > before,
      (v) => v,
    );
    return s.fake.homeViews.get(user);
  }
  const elements = (view: Json): Json[] =>
    view.blocks.flatMap((b: Json) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]);
  const find = (view: Json, actionId: string) => elements(view).find((e) => e.action_id === actionId);
  async function query(q: ReturnType<typeof sql>): Promise<Json[]> {
    const { db } = await h.ctx.database();
    const r = (await db.execute(q)) as unknown as Json;
    return r.rows ?? r;
  }

  it('Cancel from Home: a page saying nothing was connected, and Home gets a fresh login link', async () => {
    const home = await homeOf(ALICE.id);
    const spent = find(home, ACTION_IDS.connectFacebook).url;
    await tab.goto(spent);
    await tab.click('#cancel');
    await tab.waitForURL(new RegExp(`^${h.publicUrl}/meta/oauth/callback`));
    await expect(tab.locator('#title').textContent()).resolves.toBe('Facebook login cancelled');
    const fresh = await eventually(
      () => find(s.fake.homeViews.get(ALICE.id), ACTION_IDS.connectFacebook)?.url,
      (u) => u !== spent,
    );
    expect(new URL(fresh).searchParams.get('state')).not.toBe(new URL(spent).searchParams.get('state'));
    expect(await query(sql`select id from meta_oauth_grants`)).toHaveLength(0);
    expect(await query(sql`select id from meta_connections`)).toHaveLength(0);
  });

  it('operator: Home button → dialog → Continue → callback page → account picked in Home → agent, first status, run-now', async () => {
    const home = await homeOf(ALICE.id);
    const connect = find(home, ACTION_IDS.connectFacebook);
    expect(connect, 'Connect with Facebook button').toBeDefined();
    const dialog = new URL(connect.url);
    expect(`${dialog.origin}${dialog.pathname}`).toBe(`${h.sim.url}/v26.0/dialog/oauth`);

    await tab.goto(connect.url);
    await expect(tab.locator('#user').textContent()).resolves.toContain('Sim User 900000000000002');
    await tab.click('#continue');
    await tab.waitForURL(new RegExp(`^${h.publicUrl}/meta/oauth/callback`));
    await expect(tab.locator('#title').textContent()).resolves.toBe('Facebook connected');
    const pageHtml = await tab.content();

    // The callback re-published Alice's Home with the active accounts to choose from.
    const picker = await eventually(
      () => s.fake.homeViews.get(ALICE.id),
      (v) => find(v, ACTION_IDS.chooseAccount) !== undefined,
    );
    const choose = find(picker, ACTION_IDS.chooseAccount);
    expect(choose.value).toBe(ACTIVE_ACCOUNT);
    expect(JSON.stringify(picker.blocks)).toContain('Demo Store US');
    expect(JSON.stringify(picker.blocks)).toContain('USD');
    expect(JSON.stringify(picker.blocks)).not.toContain(CLOSED_ACCOUNT);

    await s.signer.homeAction({
      user: ALICE.id,
      viewId: picker.id,
      actionId: ACTION_IDS.chooseAccount,
      value: choose.value,
      state: {
        [HOME_BLOCKS.pickChannel]: {
          [ACTION_IDS.pickChannel]: { type: 'channels_select', selected_channel: CHANNEL },
        },
      },
    });
    const first = await eventually(
      () => s.fake.messagesIn(CHANNEL).find((m) => m.text.includes('MetaBuyer connected')),
      (m) => m !== undefined,
    );
    expect(first, 'first status in the channel').toBeDefined();
    expect(first!.text).toContain('sandbox');
    const status = (await h.cli('status', '--json')).json();
    expect(status).toMatchObject({
      ad_account_id: ACTIVE_ACCOUNT,
      environment: 'sandbox',
      slack_target: `channel:${CHANNEL}`,
    });
    const [conn] = (await h.cli('connections', '--json')).json().connections;
    expect(conn).toMatchObject({ ad_account_id: ACTIVE_ACCOUNT, method: 'oauth', environment: 'sandbox' });

    // Home now shows the connection, green, and no picker.
    const after = await eventually(
      () => s.fake.homeViews.get(ALICE.id),
      (v) => find(v, ACTION_IDS.chooseAccount) === undefined,
    );
    expect(JSON.stringify(after.blocks)).toContain(':large_green_circle:');
    expect(find(after, ACTION_IDS.disconnect)).toBeDefined();

    const run = await h.cli('run-now', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().run.currency).toBe('USD');

    for (const c of published()) assertValidView(c.args.view);
    const token = open(
      h.ctx.keyring(),
      (await query(sql`select access_token_sealed from meta_connections`))[0].access_token_sealed,
      TOKEN_PURPOSE,
    );
    const slackSide = JSON.stringify([published(), s.fake.messagesIn(CHANNEL)]);
    for (const secret of [token, APP_SECRET]) {
      expect(slackSide).not.toContain(secret);
      expect(pageHtml).not.toContain(secret);
      expect(h.logLines.join('\n')).not.toContain(secret);
    }
  });

  it('a non-operator’s Home has no connect, reconnect or disconnect button', async () => {
    const home = await homeOf(BOB.id);
    for (const id of [
      ACTION_IDS.connectFacebook,
      ACTION_IDS.pasteToken,
      ACTION_IDS.reconnectFacebook,
      ACTION_IDS.disconnect,
    ])
      expect(find(home, id), id).toBeUndefined();
    expect(JSON.stringify(home.blocks)).toContain(ACTIVE_ACCOUNT);
    assertValidView(sentTo(BOB.id));
  });

  it('a revoked connection renders red with Reconnect (the dialog URL)', async () => {
    await h.admin('/__sim/revoke', { user_id: '900000000000002' });
    const [{ id }] = await query(sql`select id from meta_connections where revoked_at is null`);
    expect((await maintainToken(h.ctx, id)).outcome).toBe('halted');
    const home = await homeOf(ALICE.id);
    const text = JSON.stringify(home.blocks);
    expect(text).toContain(':red_circle:');
    expect(text).toContain('revoked');
    const reconnect = find(home, ACTION_IDS.reconnectFacebook);
    expect(reconnect).toBeDefined();
    expect(reconnect.url).toContain('/dialog/oauth');
    assertValidView(sentTo(ALICE.id));
  });

  it('Disconnect (behind a confirm dialog) forgets the token and halts the agent', async () => {
    const home = s.fake.homeViews.get(ALICE.id);
    const button = find(home, ACTION_IDS.disconnect);
    expect(button.confirm.text.text).toMatch(/no remote revoke/);
    expect(button.style).toBe('danger');
    await s.signer.homeAction({
      user: ALICE.id,
      viewId: home.id,
      actionId: ACTION_IDS.disconnect,
      value: button.value,
    });
    const conns = await eventually(
      async () => (await h.cli('connections', '--json')).json().connections,
      (c: Json[]) => c.length === 0,
    );
    expect(conns).toEqual([]);
    const [agent] = await query(sql`select halted, halted_reason from agents`);
    expect(agent.halted).toBe(true);
    expect(agent.halted_reason).toMatch(/Meta connection removed by slack:U0ALICE01/);
    const [row] = await query(sql`select access_token_sealed from meta_connections`);
    expect(row.access_token_sealed).toBe('');
    const after = await eventually(
      () => s.fake.homeViews.get(ALICE.id),
      (v) => JSON.stringify(v.blocks).includes('disconnected'),
    );
    expect(JSON.stringify(after.blocks)).toContain('no remote revoke');
    expect(find(after, ACTION_IDS.disconnect)).toBeUndefined();
    for (const c of published()) assertValidView(c.args.view);
  });
});
