import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/sim/index.js';
import {
  ACCOUNT,
  AFTER_READ_TOKEN_EXPIRY,
  EXPIRED_READ_TOKEN,
  proof,
  REVOKED_TOKEN,
  SimClient,
  SYSTEM_TOKEN,
  simForEachTest,
} from '../../support/sim.js';
import {
  OTHER_ACCOUNT,
  OTHER_ACCOUNT_TOKEN,
  PAGES_ONLY_TOKEN,
  READ_TOKEN,
  rulesScenario,
  SHORT_LIVED_TOKEN,
} from '../../support/sim-scenarios.js';

const client = simForEachTest({ scenario: rulesScenario() });

describe('tokens', () => {
  it('asks for a token when there is none', async () => {
    const r = await client.get(`/${ACCOUNT}`, {}, null);
    expect(r.body.error).toMatchObject({
      code: 104,
      type: 'OAuthException',
      message: 'An access token is required to request this resource.',
    });
  });

  it('refuses a token it has never issued', async () => {
    const r = await client.get(`/${ACCOUNT}`, {}, 'EAAnotarealtoken123');
    expect(r.body.error).toMatchObject({
      code: 190,
      message: 'Invalid OAuth access token - Cannot parse access token',
    });
    expect(r.headers.get('www-authenticate')).toMatch(/invalid_token/);
  });

  it('refuses a revoked token with 190/460', async () => {
    const r = await client.get(`/${ACCOUNT}`, {}, REVOKED_TOKEN);
    expect(r.body.error).toMatchObject({ code: 190, error_subcode: 460 });
  });

  it('refuses an expired token with 190/463, naming when it expired', async () => {
    await client.admin('POST', 'clock', { now: AFTER_READ_TOKEN_EXPIRY });
    const r = await client.get(`/${ACCOUNT}`, {}, EXPIRED_READ_TOKEN);
    expect(r.body.error).toMatchObject({ code: 190, error_subcode: 463 });
    expect(r.body.error.message).toBe(
      'Error validating access token: Session has expired on Friday, 15-Jan-27 00:00:00 PST. The current time is Monday, 01-Feb-27 07:00:00 PST.',
    );
  });

  it('lets a token expire when the clock passes its expires_at', async () => {
    expect((await client.get(`/${ACCOUNT}`, {}, SHORT_LIVED_TOKEN)).status).toBe(200);
    await client.admin('POST', 'clock', { advance_hours: 2 });
    expect((await client.get(`/${ACCOUNT}`, {}, SHORT_LIVED_TOKEN)).body.error.error_subcode).toBe(463);
  });
});

describe('permissions', () => {
  it('refuses reads to a token without ads_read or ads_management', async () => {
    const r = await client.get(`/${ACCOUNT}/campaigns`, {}, PAGES_ONLY_TOKEN);
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({
      code: 200,
      message: '(#200) Ad account owner has NOT grant ads_management or ads_read permission',
    });
  });

  it('lets an ads_read token read, and refuses its writes with a 200 error that changes nothing', async () => {
    expect((await client.get(`/${ACCOUNT}/insights`, {}, READ_TOKEN)).status).toBe(200);
    const r = await client.post('/11', { status: 'PAUSED' }, READ_TOKEN);
    expect(r.body.error).toMatchObject({
      code: 200,
      message: '(#200) Requires ads_management permission to manage the object',
    });
    expect((await client.object('11')).status).toBe('ACTIVE');
  });

  it("treats an ad account outside the token's list as not there", async () => {
    const r = await client.get(`/${ACCOUNT}`, { fields: 'name' }, OTHER_ACCOUNT_TOKEN);
    expect(r.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect(r.body.error.message).toMatch(/^Unsupported get request\. Object with ID 'act_1000000001'/);
    expect((await client.get('/11', {}, OTHER_ACCOUNT_TOKEN)).body.error.error_subcode).toBe(33);
    expect((await client.get(`/${OTHER_ACCOUNT}`, { fields: 'currency' }, OTHER_ACCOUNT_TOKEN)).body).toEqual(
      { id: OTHER_ACCOUNT, currency: 'JPY' },
    );
  });
});

describe('appsecret_proof', () => {
  it('checks a proof whenever one is sent, even when the app does not require it', async () => {
    expect((await client.get(`/${ACCOUNT}`, { appsecret_proof: proof(SYSTEM_TOKEN) })).status).toBe(200);
    const wrong = await client.get(`/${ACCOUNT}`, { appsecret_proof: proof(SYSTEM_TOKEN, 'another-secret') });
    expect(wrong.body.error).toMatchObject({
      code: 100,
      type: 'GraphMethodException',
      message: 'Invalid appsecret_proof provided in the API argument',
    });
  });

  it('requires a proof when the app requires one', async () => {
    const scenario = rulesScenario();
    scenario.app.require_appsecret_proof = true;
    const sim = await startSimulator({ scenario });
    try {
      const strict = new SimClient(sim);
      const missing = await strict.get(`/${ACCOUNT}`);
      expect(missing.body.error).toMatchObject({
        code: 100,
        type: 'GraphMethodException',
        message: 'API calls from the server require an appsecret_proof argument',
      });
      expect((await strict.get(`/${ACCOUNT}`, { appsecret_proof: 'abc' })).body.error.message).toBe(
        'Invalid appsecret_proof provided in the API argument',
      );
      expect((await strict.get(`/${ACCOUNT}`, { appsecret_proof: proof(SYSTEM_TOKEN) })).status).toBe(200);
      expect(
        (await strict.post('/11', { status: 'PAUSED', appsecret_proof: proof(SYSTEM_TOKEN) })).body,
      ).toEqual({ success: true });
    } finally {
      await sim.close();
    }
  });
});
