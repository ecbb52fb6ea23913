import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  AFTER_READ_TOKEN_EXPIRY,
  APP_ID,
  APP_SECRET,
  EXPIRED_READ_TOKEN,
  REVOKED_TOKEN,
  SYSTEM_TOKEN,
  simForEachTest,
} from '../../support/sim.js';
import {
  OTHER_ACCOUNT,
  OTHER_ACCOUNT_TOKEN,
  READ_TOKEN,
  rulesScenario,
} from '../../support/sim-scenarios.js';

const APP_TOKEN = `${APP_ID}|${APP_SECRET}`;
const client = simForEachTest({ scenario: rulesScenario() });

describe('debug_token', () => {
  it('describes a valid token to the app token', async () => {
    const r = await client.get('/debug_token', { input_token: OTHER_ACCOUNT_TOKEN }, APP_TOKEN);
    expect(r.body.data).toMatchObject({
      app_id: APP_ID,
      type: 'USER',
      is_valid: true,
      expires_at: 0,
      scopes: ['ads_read', 'ads_management'],
      user_id: '900000000000005',
    });
    expect(r.body.data.granular_scopes).toContainEqual({
      scope: 'ads_management',
      target_ids: [OTHER_ACCOUNT.slice(4)],
    });
    expect(r.body.data.issued_at).toEqual(expect.any(Number));
  });

  it('says a revoked token is not valid, with the 190 error, rather than failing', async () => {
    const r = await client.get('/debug_token', { input_token: REVOKED_TOKEN }, APP_TOKEN);
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ is_valid: false, error: { code: 190, subcode: 460 } });
    await client.admin('POST', 'clock', { now: AFTER_READ_TOKEN_EXPIRY });
    const expired = await client.get('/debug_token', { input_token: EXPIRED_READ_TOKEN }, APP_TOKEN);
    expect(expired.body.data).toMatchObject({
      is_valid: false,
      expires_at: 1800000000,
      error: { code: 190, subcode: 463 },
    });
    const unknown = await client.get('/debug_token', { input_token: 'EAAnonsense12345' }, APP_TOKEN);
    expect(unknown.body.data).toMatchObject({ is_valid: false, error: { code: 190 } });
  });

  it('reports a system user token as never expiring', async () => {
    const r = await client.get('/debug_token', { input_token: SYSTEM_TOKEN }, APP_TOKEN);
    expect(r.body.data).toMatchObject({ type: 'SYSTEM_USER', expires_at: 0, data_access_expires_at: 0 });
  });
});

describe('me', () => {
  it('answers /me, its permissions, ad accounts and pages', async () => {
    expect((await client.get('/me')).body).toEqual({
      id: '900000000000001',
      name: 'MetaBuyer System User 900000000000001',
    });
    const permissions = (await client.get('/me/permissions')).body.data;
    expect(permissions).toContainEqual({ permission: 'ads_management', status: 'granted' });
    expect((await client.get('/me/adaccounts', { fields: 'name,currency' })).body.data).toEqual([
      { id: ACCOUNT, name: 'Demo Store US', currency: 'USD' },
      { id: OTHER_ACCOUNT, name: 'Second store', currency: 'JPY' },
    ]);
    expect((await client.get('/me/adaccounts', {}, OTHER_ACCOUNT_TOKEN)).body.data).toEqual([
      { id: OTHER_ACCOUNT },
    ]);
    expect((await client.get('/me/accounts', { fields: 'id,name' })).body.data).toEqual([
      { id: '300000000000001', name: 'Demo Store' },
    ]);
    expect((await client.get('/me/accounts', {}, READ_TOKEN)).body.data).toEqual([]);
  });

  it('refuses /me to the app token, and unknown User fields', async () => {
    expect((await client.get('/me', {}, APP_TOKEN)).body.error.code).toBe(2500);
    expect((await client.get('/me', { fields: 'id,nmae' })).body.error.message).toBe(
      '(#100) Tried accessing nonexisting field (nmae) on node type (User)',
    );
  });
});

describe('oauth/access_token', () => {
  const app = { client_id: APP_ID, client_secret: APP_SECRET };

  it('exchanges a token for a long-lived one that works like it', async () => {
    const r = await client.get(
      '/oauth/access_token',
      { ...app, grant_type: 'fb_exchange_token', fb_exchange_token: READ_TOKEN },
      null,
    );
    expect(r.body).toMatchObject({ token_type: 'bearer', expires_in: 5183944 });
    const longLived = r.body.access_token as string;
    expect(longLived).not.toBe(READ_TOKEN);
    expect((await client.get('/me/permissions', {}, longLived)).body.data).toEqual([
      { permission: 'ads_read', status: 'granted' },
    ]);
    expect(
      (await client.get('/debug_token', { input_token: longLived }, APP_TOKEN)).body.data.expires_at,
    ).toBe(Date.parse('2026-11-20T15:00:00Z') / 1000 + 5183944);
  });

  it('will not exchange an expired token, nor for the wrong app secret', async () => {
    await client.admin('POST', 'clock', { now: AFTER_READ_TOKEN_EXPIRY });
    const expired = await client.get(
      '/oauth/access_token',
      { ...app, grant_type: 'fb_exchange_token', fb_exchange_token: EXPIRED_READ_TOKEN },
      null,
    );
    expect(expired.body.error).toMatchObject({ code: 190, error_subcode: 463 });
    const wrong = await client.get(
      '/oauth/access_token',
      {
        ...app,
        client_secret: 'not-the-secret',
        grant_type: 'fb_exchange_token',
        fb_exchange_token: READ_TOKEN,
      },
      null,
    );
    expect(wrong.body.error.message).toBe('Error validating client secret.');
  });

  it('exchanges a code "code-<token>" for that token, once', async () => {
    const params = { ...app, redirect_uri: 'https://example.com/cb', code: `code-${READ_TOKEN}` };
    expect((await client.get('/oauth/access_token', params, null)).body).toEqual({
      access_token: READ_TOKEN,
      token_type: 'bearer',
    });
    expect((await client.get('/oauth/access_token', params, null)).body.error.message).toBe(
      'This authorization code has been used.',
    );
    expect(
      (await client.get('/oauth/access_token', { ...params, code: 'made-up' }, null)).body.error.message,
    ).toBe('Invalid verification code format.');
    expect(
      (await client.get('/oauth/access_token', { ...params, redirect_uri: '' }, null)).body.error.message,
    ).toMatch(/redirect_uri/);
  });
});
