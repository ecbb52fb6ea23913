/**
 * Connect with Facebook end to end without a browser: the dialog URL our op builds, the simulator's
 * login dialog, the callback handler, the ad-account choice, connections and disconnect. Failures
 * (cancel, expired or reused state, missing permission, wrong app secret) show a page naming the problem
 * and store nothing.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext } from '../../../src/app/context.js';
import { cliActor } from '../../../src/domain/actor.js';
import { handleMetaOAuthCallback } from '../../../src/http/meta-oauth-callback.js';
import { createLogger } from '../../../src/lib/logger.js';
import { chooseAdAccount, listOfferedAdAccounts } from '../../../src/ops/meta-oauth-choose.js';
import { purgeOAuthLogins } from '../../../src/ops/token-maintenance.js';
import {
  ACTIVE_ACCOUNT,
  ALICE,
  BOB,
  CHANNEL,
  CLOSED_ACCOUNT,
  type ConnectWorld,
  startConnectWorld,
  TEAM,
} from '../../support/connect-world.js';
import { APP_ID, type Json } from '../../support/sim.js';

let w: ConnectWorld;
beforeAll(async () => {
  w = await startConnectWorld();
});
afterAll(async () => w?.close());
beforeEach(async () => {
  await w.admin('/__sim/reset', {});
  const { db } = await w.ctx.database();
  await db.execute(
    sql`truncate meta_oauth_states, meta_oauth_grants, outbox, agents, meta_connections cascade`,
  );
  w.clock.set('2026-11-20T15:00:00Z');
});

async function count(table: string): Promise<number> {
  const { db } = await w.ctx.database();
  const r = (await db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as Json;
  return (r.rows ?? r)[0].n;
}

async function loginAs(button: 'confirm' | 'cancel' = 'confirm'): Promise<{ status: number; html: string }> {
  const url = await w.dialogUrl();
  return w.open(await w.press(url, button));
}

describe('the dialog URL', () => {
  it('asks Meta for the five permissions, a code, and comes back to PUBLIC_URL', async () => {
    const u = new URL(await w.dialogUrl());
    expect(`${u.origin}${u.pathname}`).toBe(`${w.sim.url}/v26.0/dialog/oauth`);
    expect(u.searchParams.get('client_id')).toBe(APP_ID);
    expect(u.searchParams.get('redirect_uri')).toBe(`${w.publicUrl}/meta/oauth/callback`);
    expect(u.searchParams.get('response_type')).toBe('code');
    expect(u.searchParams.get('scope')).toBe(
      'ads_read,ads_management,business_management,pages_show_list,pages_read_engagement',
    );
    expect(u.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is started only by a Slack user', async () => {
    await expect(w.dialogUrl(cliActor('tester'))).rejects.toThrow(/started from Slack/);
  });
});

describe('the callback', () => {
  it('stores the login sealed and offers only the active ad accounts', async () => {
    const page = await loginAs();
    expect(page.status).toBe(200);
    expect(page.html).toContain('Facebook connected');
    expect(page.html).toContain(`data-ad-account="${ACTIVE_ACCOUNT}"`);
    expect(page.html).not.toContain(CLOSED_ACCOUNT);
    expect(page.html).toContain(`https://slack.com/app_redirect?team=${TEAM}&amp;channel=${CHANNEL}`);
    expect(await count('meta_oauth_grants')).toBe(1);
    expect(await count('meta_connections')).toBe(0);

    const offered = await listOfferedAdAccounts(w.ctx, { actor: ALICE });
    expect(offered.accounts).toEqual([
      { adAccountId: ACTIVE_ACCOUNT, name: 'Demo Store US', currency: 'USD', timezone: 'America/New_York' },
    ]);
    expect(offered.channelId).toBe(CHANNEL);
    await expect(listOfferedAdAccounts(w.ctx, { actor: BOB })).rejects.toThrow(
      /No Facebook login is waiting/,
    );
  });

  it('a chosen account becomes an oauth connection with an agent; connections shows it; run-now works', async () => {
    await loginAs();
    await expect(chooseAdAccount(w.ctx, { actor: ALICE, adAccountId: CLOSED_ACCOUNT })).rejects.toThrow(
      /not an active ad account/,
    );
    const chosen = await chooseAdAccount(w.ctx, { actor: ALICE, adAccountId: '1000000001' });
    expect(chosen).toMatchObject({
      adAccountId: ACTIVE_ACCOUNT,
      currency: 'USD',
      environment: 'sandbox',
      channelId: CHANNEL,
      agentCreated: true,
    });
    // The login is used up: a second choice needs a new login.
    await expect(chooseAdAccount(w.ctx, { actor: ALICE, adAccountId: ACTIVE_ACCOUNT })).rejects.toThrow(
      /No Facebook login is waiting/,
    );

    const list = await w.cli('connections', '--json');
    expect(list.code).toBe(0);
    const [c] = list.json().connections;
    expect(c).toMatchObject({
      ad_account_id: ACTIVE_ACCOUNT,
      environment: 'sandbox',
      method: 'oauth',
      token_type: 'user',
      connected_at: '2026-11-20T15:00:00.000Z',
      last_refreshed_at: '2026-11-20T15:00:00.000Z',
      status: 'active',
    });
    expect(c.scopes).toEqual([
      'ads_management',
      'ads_read',
      'business_management',
      'pages_read_engagement',
      'pages_show_list',
    ]);
    expect(Date.parse(c.expires_at) - Date.parse('2026-11-20T15:00:00Z')).toBe(5_183_944_000);
    expect(Object.keys(c).sort()).toEqual(
      [
        'id',
        'ad_account_id',
        'environment',
        'method',
        'token_type',
        'scopes',
        'connected_at',
        'expires_at',
        'last_refreshed_at',
        'status',
      ].sort(),
    );

    const { db } = await w.ctx.database();
    const stored = (await db.execute(
      sql`select page_id, method, token_mode from meta_connections`,
    )) as unknown as Json;
    // The first Page the user administers (/me/accounts), for creatives.
    expect((stored.rows ?? stored)[0]).toEqual({
      page_id: '300000000000001',
      method: 'oauth',
      token_mode: 'user',
    });

    const run = await w.cli('run-now', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().run.currency).toBe('USD');
    const status = await w.cli('status', '--json');
    expect(status.json()).toMatchObject({ ad_account_id: ACTIVE_ACCOUNT });
  });

  it('Cancel: a page saying so, and nothing stored', async () => {
    const page = await loginAs('cancel');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Facebook login cancelled');
    expect(page.html).toContain('data-problem="denied"');
    expect(await count('meta_oauth_grants')).toBe(0);
    expect(await count('meta_connections')).toBe(0);
  });

  it('refuses an expired state, and stores nothing', async () => {
    const url = await w.dialogUrl();
    w.clock.advance(15 * 60_000 + 1);
    const page = await w.open(await w.press(url, 'confirm'));
    expect(page.status).toBe(400);
    expect(page.html).toContain('This login link has expired');
    expect(await count('meta_oauth_grants')).toBe(0);
  });

  it('refuses a reused state, even a second time with a fresh code', async () => {
    const url = await w.dialogUrl();
    expect((await w.open(await w.press(url, 'confirm'))).status).toBe(200);
    const again = await w.open(await w.press(url, 'confirm'));
    expect(again.status).toBe(400);
    expect(again.html).toContain('already been used');
    expect(await count('meta_oauth_grants')).toBe(1);
  });

  it('refuses a state it never issued, and an address without one', async () => {
    const forged = await handleMetaOAuthCallback(w.ctx, { state: 'A'.repeat(43), code: 'AQxyz' });
    expect(forged.status).toBe(400);
    expect(forged.html).toContain('not one MetaBuyer issued');
    const bare = await handleMetaOAuthCallback(w.ctx, new URLSearchParams('code=AQxyz'));
    expect(bare.html).toContain('data-problem="bad_request"');
    expect(await count('meta_oauth_grants')).toBe(0);
  });

  it('refuses a login without ads_management, naming it, and stores nothing', async () => {
    await w.admin('/__sim/login', { user_id: '900000000000002', declined_scopes: ['ads_management'] });
    const page = await loginAs();
    expect(page.status).toBe(400);
    expect(page.html).toContain('MetaBuyer needs more permissions');
    expect(page.html).toContain('<code>ads_management</code>');
    expect(await count('meta_oauth_grants')).toBe(0);
  });

  it('says the app secret is wrong when Meta refuses the exchange for it, and stores nothing', async () => {
    const url = await w.dialogUrl();
    const back = new URL(await w.press(url, 'confirm'));
    const wrong = createAppContext(
      { ...w.ctx.config, meta: { ...w.ctx.config.meta, appSecret: 'not-the-app-secret' } },
      {
        clock: w.clock,
        database: await w.ctx.database(),
        logger: createLogger({ level: 'debug', write: (l) => w.logLines.push(l) }),
        meta: { sleep: async () => {} },
      },
    );
    const page = await handleMetaOAuthCallback(wrong, back.searchParams);
    expect(page.html).toContain('the app secret is wrong');
    expect(page.html).not.toContain('not-the-app-secret');
    expect(await count('meta_oauth_grants')).toBe(0);
    // Exactly one exchange call: a refused code exchange is never re-sent.
    const calls = (await w.admin('/__sim/calls')).calls.filter((c: Json) => c.path === '/oauth/access_token');
    expect(calls).toHaveLength(1);
  });
});

describe('housekeeping', () => {
  it('connects to live only when live is chosen explicitly', async () => {
    await loginAs();
    const chosen = await chooseAdAccount(w.ctx, {
      actor: ALICE,
      adAccountId: ACTIVE_ACCOUNT,
      environment: 'live',
    });
    expect(chosen.environment).toBe('live');
    const [c] = (await w.cli('connections', '--json')).json().connections;
    expect(c.environment).toBe('live');
  });

  it('erases the token of a login nobody picked an account for within 24 hours, and old states', async () => {
    await loginAs();
    expect(await purgeOAuthLogins(w.ctx)).toEqual({ grants: 0, states: 0 });
    w.clock.advance(24 * 3_600_000 + 15 * 60_000 + 1);
    expect(await purgeOAuthLogins(w.ctx)).toEqual({ grants: 1, states: 1 });
    const { db } = await w.ctx.database();
    const r = (await db.execute(sql`select access_token_sealed from meta_oauth_grants`)) as unknown as Json;
    expect((r.rows ?? r)[0].access_token_sealed).toBe('');
    await expect(listOfferedAdAccounts(w.ctx, { actor: ALICE })).rejects.toThrow(
      /No Facebook login is waiting/,
    );
  });
});

describe('disconnect', () => {
  it('erases the token, halts the agent, and says Meta has no remote revoke', async () => {
    await loginAs();
    await chooseAdAccount(w.ctx, { actor: ALICE, adAccountId: ACTIVE_ACCOUNT });
    const r = await w.cli('disconnect', '--ad-account', ACTIVE_ACCOUNT, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ ad_account_id: ACTIVE_ACCOUNT, remote_revoke: false, method: 'oauth' });
    expect(r.json().note).toMatch(/no remote revoke/);
    const { db } = await w.ctx.database();
    const rows = (await db.execute(
      sql`select access_token_sealed, revoked_at, disconnected_by from meta_connections`,
    )) as unknown as Json;
    const row = (rows.rows ?? rows)[0];
    expect(row.access_token_sealed).toBe('');
    expect(row.revoked_at).not.toBeNull();
    expect(row.disconnected_by).toBe('cli:tester');
    const agents = (await db.execute(sql`select halted, halted_reason from agents`)) as unknown as Json;
    const agent = (agents.rows ?? agents)[0];
    expect(agent.halted).toBe(true);
    expect(agent.halted_reason).toMatch(/Meta connection removed by cli:tester/);
    expect((await w.cli('connections', '--json')).json().connections).toEqual([]);
    expect((await w.cli('connections')).stdout).toMatch(/No Meta connection yet/);
    expect((await w.cli('disconnect', '--json')).code).toBe(2);
    const again = await w.cli('disconnect', '--ad-account', ACTIVE_ACCOUNT, '--json');
    expect(again.code).toBe(1);
    expect(again.json().error.code).toBe('not_connected');
  });
});
