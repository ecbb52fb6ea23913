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
import {
  ACTIVE_ACCOUNT,
  ALICE,
  CHANNEL,
  type ConnectWorld,
  startConnectWorld,
  TEAM,
} from '../../support/connect-world.js';
import { APP_SECRET, type Json } from '../../support/sim.js';

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
