import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  APP_ID,
  APP_SECRET,
  type Json,
  proof,
  SYSTEM_TOKEN,
  simForEachTest,
} from '../../support/sim.js';

const client = simForEachTest();

describe('mutate and objects', () => {
  it('changes an object as a person in Ads Manager would: no call logged, no rate limit used', async () => {
    const r = await client.admin('POST', 'mutate', {
      id: '12',
      fields: { daily_budget: 4200, status: 'PAUSED' },
    });
    expect(r.body.object).toMatchObject({ id: '12', status: 'PAUSED', daily_budget: 4200 });
    expect(await client.object('12')).toMatchObject({
      id: '12',
      type: 'adset',
      account_id: ACCOUNT,
      campaign_id: '10',
      status: 'PAUSED',
      effective_status: 'PAUSED',
      daily_budget: 4200,
      learning_stage: 'SUCCESS',
    });
    expect((await client.admin('GET', 'calls')).body.calls).toEqual([]);
    expect((await client.get('/12', { fields: 'daily_budget,status' })).body).toEqual({
      id: '12',
      daily_budget: '4200',
      status: 'PAUSED',
    });
  });

  it('refuses a mutation Ads Manager would refuse, or one that names nothing', async () => {
    expect((await client.admin('POST', 'mutate', { id: '14', fields: { daily_budget: 4200 } })).status).toBe(
      400,
    );
    expect((await client.admin('POST', 'mutate', { id: '12', fields: {} })).status).toBe(400);
    expect((await client.admin('POST', 'mutate', { id: '12', fields: { status: 'RUNNING' } })).status).toBe(
      400,
    );
    expect((await client.admin('POST', 'mutate', { id: '404', fields: { status: 'PAUSED' } })).status).toBe(
      400,
    );
  });

  it('shows accounts, campaigns and ads as stored, and 404s an unknown id', async () => {
    expect(await client.object(ACCOUNT)).toMatchObject({
      type: 'account',
      currency: 'USD',
      min_daily_budget: 100,
    });
    expect(await client.object('13')).toMatchObject({
      type: 'campaign',
      daily_budget: 16000,
      adset_ids: ['14', '15'],
    });
    expect(await client.object('140')).toMatchObject({
      type: 'ad',
      adset_id: '15',
      campaign_id: '13',
      daily_budget: null,
    });
    expect((await client.admin('GET', 'objects/4040')).status).toBe(404);
  });
});

describe('clock', () => {
  it('moves by advance_hours or to a given now, and presets follow it', async () => {
    expect((await client.admin('POST', 'clock', { advance_hours: 24 })).body.now).toBe(
      '2026-11-21T15:00:00.000Z',
    );
    const [row] = (await client.get(`/${ACCOUNT}/insights`, { date_preset: 'yesterday' })).body.data;
    expect(row).toBeUndefined();
    await client.admin('POST', 'clock', { now: '2026-11-18T12:00:00Z' });
    const rows = (await client.get(`/${ACCOUNT}/insights`, { date_preset: 'yesterday' })).body.data;
    expect(rows[0].date_start).toBe('2026-11-17');
    expect((await client.admin('POST', 'clock', { now: 'tomorrow' })).status).toBe(400);
  });
});

describe('reset', () => {
  it('reloads the scenario: objects, clock, faults, calls and usage', async () => {
    await client.post('/11', { daily_budget: 12000 });
    await client.admin('POST', 'clock', { advance_hours: 5 });
    await client.admin('POST', 'faults', { path: '^/12$' });
    await client.admin('POST', 'limits', { calls_per_hour: 1, account_id: ACCOUNT });
    await client.admin('POST', 'reset');
    expect((await client.object('11')).daily_budget).toBe(15000);
    expect((await client.admin('GET', 'clock')).body.now).toBe('2026-11-20T15:00:00.000Z');
    expect((await client.admin('GET', 'faults')).body.faults).toEqual([]);
    expect((await client.admin('GET', 'calls')).body.calls).toEqual([]);
    expect((await client.get('/12')).status).toBe(200);
    expect((await client.get('/12')).status).toBe(200);
  });
});

describe('call log', () => {
  it('records Graph calls only, with tokens, proofs and secrets redacted', async () => {
    await client.get(`/${ACCOUNT}/campaigns`, { fields: 'name', appsecret_proof: proof(SYSTEM_TOKEN) });
    await client.post('/11', { status: 'PAUSED' });
    await client.get(
      '/oauth/access_token',
      {
        client_id: APP_ID,
        client_secret: APP_SECRET,
        grant_type: 'fb_exchange_token',
        fb_exchange_token: SYSTEM_TOKEN,
      },
      null,
    );
    await client.post('/', {
      batch: JSON.stringify([{ method: 'GET', relative_url: `11?access_token=${SYSTEM_TOKEN}` }]),
    });
    await client.admin('GET', 'clock');
    const calls = (await client.admin('GET', 'calls')).body.calls;
    expect(calls[0]).toMatchObject({
      seq: 1,
      method: 'GET',
      path: `/${ACCOUNT}/campaigns`,
      query: { fields: 'name', access_token: '[REDACTED]', appsecret_proof: '[REDACTED]' },
      body: null,
      status: 200,
      error_code: null,
    });
    expect(calls[1]).toMatchObject({
      method: 'POST',
      path: '/11',
      body: { status: 'PAUSED', access_token: '[REDACTED]' },
    });
    const text = JSON.stringify(calls);
    expect(text).not.toContain(SYSTEM_TOKEN);
    expect(text).not.toContain(APP_SECRET);
    expect(calls.some((c: Json) => c.path.startsWith('/__sim'))).toBe(false);
    const since = calls[1].seq;
    expect(
      (await client.admin('GET', `calls?since=${since}`)).body.calls.every((c: Json) => c.seq > since),
    ).toBe(true);
  });
});
