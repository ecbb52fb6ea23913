/**
 * The simulated Facebook Login dialog and the code exchange behind it, over real HTTP: Continue and
 * Cancel redirect as Meta's do, codes work once, for ten minutes, with their own redirect_uri only, and
 * the admin API chooses who logs in and can revoke their tokens.
 */
import { describe, expect, it } from 'vitest';
import { APP_ID, APP_SECRET, type Json, simForEachTest } from '../../support/sim.js';

const client = simForEachTest();
const APP_TOKEN = `${APP_ID}|${APP_SECRET}`;
const REDIRECT = 'http://127.0.0.1:9/meta/oauth/callback';
const SCOPES = 'ads_read,ads_management,business_management,pages_show_list,pages_read_engagement';

function dialogUrl(params: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    client_id: APP_ID,
    redirect_uri: REDIRECT,
    state: 'st<ate>&1',
    scope: SCOPES,
    response_type: 'code',
    ...params,
  });
  return `${client.sim.url}/v26.0/dialog/oauth?${q}`;
}

/** Presses a dialog button the way the browser does: posts the page's hidden fields. */
async function press(button: 'confirm' | 'cancel', params: Record<string, string> = {}): Promise<URL> {
  const form = new URLSearchParams({
    client_id: APP_ID,
    redirect_uri: REDIRECT,
    state: 'st<ate>&1',
    scope: SCOPES,
    response_type: 'code',
    ...params,
  });
  const res = await fetch(`${client.sim.url}/v26.0/dialog/oauth/${button}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') as string);
}

async function exchange(code: string, extra: Record<string, string> = {}): Promise<Json> {
  return (
    await client.get(
      '/oauth/access_token',
      { client_id: APP_ID, client_secret: APP_SECRET, redirect_uri: REDIRECT, code, ...extra },
      null,
    )
  ).body;
}

describe('the login dialog', () => {
  it('shows who logs in, the app and every permission asked, with the state escaped', async () => {
    const res = await fetch(dialogUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('Logged in as <strong>Sim User 900000000000002</strong>');
    expect(html).toContain('MetaBuyer simulator');
    for (const s of SCOPES.split(',')) expect(html).toContain(`data-scope="${s}"`);
    expect(html).toContain('value="st&lt;ate&gt;&amp;1"');
    expect(html).not.toContain('st<ate>');
    expect(html).toContain('id="continue"');
    expect(html).toContain('id="cancel"');
  });

  it('is also served unversioned, and says who logs in by default', async () => {
    const res = await fetch(dialogUrl().replace('/v26.0/dialog/oauth', '/dialog/oauth'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('action="/dialog/oauth/confirm"');
    expect((await client.admin('GET', 'login')).body.login).toEqual({
      user_id: '900000000000002',
      name: 'Sim User 900000000000002',
      ad_accounts: null,
      declined_scopes: [],
    });
  });

  it('answers an unknown app or a missing redirect_uri with an error page, never a redirect', async () => {
    const bad = await fetch(dialogUrl({ client_id: '123' }), { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Invalid App ID');
    const noRedirect = await fetch(dialogUrl({ redirect_uri: '' }), { redirect: 'manual' });
    expect(noRedirect.status).toBe(400);
  });

  it('Continue redirects with a code and the state; the code buys a short-lived token, then a 60-day one', async () => {
    const back = await press('confirm');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st<ate>&1');
    expect(back.hash).toBe('#_=_');
    const code = back.searchParams.get('code') as string;
    expect(code).toMatch(/^AQ[\w-]{40,}$/);

    const short = await exchange(code);
    expect(short).toMatchObject({ token_type: 'bearer', expires_in: 7200 });
    const long = (
      await client.get(
        '/oauth/access_token',
        {
          grant_type: 'fb_exchange_token',
          client_id: APP_ID,
          client_secret: APP_SECRET,
          fb_exchange_token: short.access_token,
        },
        null,
      )
    ).body;
    expect(long.expires_in).toBe(5183944);
    const info = (await client.get('/debug_token', { input_token: long.access_token }, APP_TOKEN)).body.data;
    expect(info).toMatchObject({ is_valid: true, type: 'USER', user_id: '900000000000002' });
    expect(info.scopes).toEqual(SCOPES.split(','));
    expect(info.expires_at).toBe(Date.parse('2026-11-20T15:00:00Z') / 1000 + 5183944);

    const accounts = (
      await client.get(
        '/me/adaccounts',
        { fields: 'name,account_status,currency,id,account_id' },
        long.access_token,
      )
    ).body.data;
    expect(accounts[0]).toMatchObject({ id: 'act_1000000001', account_status: 1, currency: 'USD' });
    const pages = (await client.get('/me/accounts', { fields: 'id,name' }, long.access_token)).body.data;
    expect(pages).toEqual([{ id: '300000000000001', name: 'Demo Store' }]);
  });

  it('Cancel redirects with access_denied / user_denied and the state, and no code', async () => {
    const back = await press('cancel');
    expect(Object.fromEntries(back.searchParams)).toEqual({
      error: 'access_denied',
      error_code: '200',
      error_description: 'Permissions error',
      error_reason: 'user_denied',
      state: 'st<ate>&1',
    });
  });

  it('refuses a used code, a code for another redirect_uri, an expired code and a wrong secret, as Meta does', async () => {
    const code = (await press('confirm')).searchParams.get('code') as string;
    expect((await exchange(code, { client_secret: 'not-the-secret' })).error).toMatchObject({
      code: 1,
      message: 'Error validating client secret.',
    });
    expect((await exchange(code, { redirect_uri: 'http://127.0.0.1:9/other' })).error).toMatchObject({
      code: 100,
      error_subcode: 36008,
    });
    expect((await exchange(code)).access_token).toBeTruthy();
    expect((await exchange(code)).error).toMatchObject({ code: 100, error_subcode: 36009 });

    const late = (await press('confirm')).searchParams.get('code') as string;
    await client.admin('POST', 'clock', { advance_hours: 11 / 60 });
    expect((await exchange(late)).error).toMatchObject({
      code: 100,
      error_subcode: 36007,
      message: 'This authorization code has expired.',
    });
  });

  it('logs in the user the admin API chooses, without the permissions they decline; revoking gives 190', async () => {
    const set = await client.admin('POST', 'login', {
      user_id: '900000000000077',
      name: 'Dana Buyer',
      declined_scopes: ['ads_management'],
    });
    expect(set.body.login).toMatchObject({ user_id: '900000000000077', name: 'Dana Buyer' });
    expect(await (await fetch(dialogUrl())).text()).toContain('Dana Buyer');
    const token = (await exchange((await press('confirm')).searchParams.get('code') as string)).access_token;
    const info = (await client.get('/debug_token', { input_token: token }, APP_TOKEN)).body.data;
    expect(info.user_id).toBe('900000000000077');
    expect(info.scopes).not.toContain('ads_management');
    expect((await client.get('/me', {}, token)).body.name).toBe('Dana Buyer');

    expect((await client.admin('POST', 'revoke', { user_id: '900000000000077' })).body.revoked).toBe(1);
    expect((await client.get('/me', {}, token)).body.error).toMatchObject({ code: 190, error_subcode: 460 });
    expect((await client.admin('POST', 'login', { user_id: 'x' })).status).toBe(400);
  });

  it('keeps codes and issued tokens out of the call log', async () => {
    const code = (await press('confirm')).searchParams.get('code') as string;
    const token = (await exchange(code)).access_token as string;
    await client.get('/me', {}, token);
    const log = JSON.stringify((await client.admin('GET', 'calls')).body);
    expect(log).not.toContain(code);
    expect(log).not.toContain(token);
    expect(log).not.toContain(APP_SECRET);
  });
});
