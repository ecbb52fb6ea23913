import { describe, expect, it } from 'vitest';
import { ACCOUNT, simForEachTest } from '../../support/sim.js';
import { OTHER_ACCOUNT, rulesScenario } from '../../support/sim-scenarios.js';

const NOW_TS = Date.parse('2026-11-20T15:00:00Z') / 1000;
const client = simForEachTest({ scenario: rulesScenario() });

describe('status and budget changes', () => {
  it('pauses an ad and changes an ad set budget, answering {"success":true}', async () => {
    expect((await client.post('/110', { status: 'PAUSED' })).body).toEqual({ success: true });
    expect((await client.post('/11', { daily_budget: 12000 })).body).toEqual({ success: true });
    expect(await client.object('110')).toMatchObject({ status: 'PAUSED', effective_status: 'PAUSED' });
    expect(await client.object('11')).toMatchObject({ daily_budget: 12000, last_sig_edit_ts: NOW_TS });
    expect((await client.get('/11', { fields: 'daily_budget' })).body.daily_budget).toBe('12000');
  });

  it('accepts a JSON body with a numeric budget, as the SDKs send it', async () => {
    const r = await client.fetchJson(client.url('/12'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ daily_budget: 11000, access_token: client.token }),
    });
    expect(r.body).toEqual({ success: true });
    expect((await client.object('12')).daily_budget).toBe(11000);
  });

  it('refuses a status outside ACTIVE, PAUSED, ARCHIVED, DELETED', async () => {
    const r = await client.post('/11', { status: 'STOPPED' });
    expect(r.body.error).toMatchObject({
      code: 100,
      message: '(#100) Param status must be one of {ACTIVE, ARCHIVED, DELETED, PAUSED}',
    });
  });

  it('refuses a parameter the endpoint does not take, so a typo never silently does nothing', async () => {
    const r = await client.post('/11', { daily_budgett: 12000 });
    expect(r.body.error.code).toBe(100);
    expect(r.body.error.message).toMatch(/daily_budgett/);
    expect((await client.post('/110', { daily_budget: 12000 })).body.error.code).toBe(100);
  });

  it('refuses a budget on an ad set of a CBO campaign', async () => {
    const r = await client.post('/14', { daily_budget: 5000 });
    expect(r.body.error).toMatchObject({
      code: 100,
      error_subcode: 1885621,
      error_user_msg: 'You can only set an ad set budget or a campaign budget.',
    });
    expect((await client.object('14')).daily_budget).toBeNull();
  });

  it('refuses a campaign budget on a campaign whose ad sets carry the budgets', async () => {
    expect((await client.post('/10', { daily_budget: 30000 })).body.error.error_subcode).toBe(1885621);
  });

  it('refuses a budget below the account minimum, saying the minimum in the account currency', async () => {
    const r = await client.post('/11', { daily_budget: 99 });
    expect(r.body.error).toMatchObject({
      code: 100,
      error_subcode: 1885272,
      error_user_title: 'Your Budget Is Too Low',
    });
    expect(r.body.error.error_user_msg).toContain('$1.00');
    const yen = await client.post('/51', { daily_budget: 150 });
    expect(yen.body.error.error_user_msg).toContain('¥200');
  });

  it('refuses a fifth budget change to the same ad set within an hour, and allows it an hour later', async () => {
    for (const budget of [12000, 13000, 14000, 15500])
      expect((await client.post('/11', { daily_budget: budget })).body).toEqual({ success: true });
    const fifth = await client.post('/11', { daily_budget: 16000 });
    expect(fifth.body.error).toMatchObject({ code: 613, error_subcode: 1487632 });
    expect((await client.object('11')).daily_budget).toBe(15500);
    expect((await client.post('/12', { daily_budget: 12000 })).body).toEqual({ success: true });
    await client.admin('POST', 'clock', { advance_hours: 1.01 });
    expect((await client.post('/11', { daily_budget: 16000 })).body).toEqual({ success: true });
  });

  it('counts budget changes of a CBO campaign per campaign, and marks all its ad sets as edited', async () => {
    for (const budget of [17000, 18000, 19000, 20000])
      expect((await client.post('/13', { daily_budget: budget })).body).toEqual({ success: true });
    expect((await client.post('/13', { daily_budget: 21000 })).body.error.error_subcode).toBe(1487632);
    expect(await client.object('14')).toMatchObject({ last_sig_edit_ts: NOW_TS, daily_budget: null });
    expect(await client.object('15')).toMatchObject({ last_sig_edit_ts: NOW_TS });
    const info = await client.get('/15', { fields: 'learning_stage_info' });
    expect(info.body.learning_stage_info.last_sig_edit_ts).toBe(NOW_TS);
  });

  it('changes nothing under validate_only, yet runs every check', async () => {
    const before = await client.object('11');
    const ok = await client.post('/11', {
      daily_budget: 20000,
      status: 'PAUSED',
      execution_options: ['validate_only'],
    });
    expect(ok.body).toEqual({ success: true });
    expect(await client.object('11')).toEqual(before);
    const refused = await client.post('/11', { daily_budget: 50, execution_options: ['validate_only'] });
    expect(refused.body.error.error_subcode).toBe(1885272);
    for (let i = 0; i < 6; i++)
      await client.post('/11', { daily_budget: 20000 + i, execution_options: '["validate_only"]' });
    expect((await client.post('/11', { daily_budget: 21000 })).body).toEqual({ success: true });
  });
});

describe('archived and deleted objects', () => {
  it('refuses to reactivate an archived campaign, but lets it be deleted', async () => {
    const r = await client.post('/60', { status: 'ACTIVE' });
    expect(r.body.error).toMatchObject({ code: 100, error_subcode: 1487566 });
    expect((await client.post('/60', { status: 'DELETED' })).body).toEqual({ success: true });
    expect((await client.object('60')).status).toBe('DELETED');
  });

  it('refuses any change to a deleted ad set but its name', async () => {
    expect((await client.post('/61', { status: 'PAUSED' })).body.error.error_subcode).toBe(1487056);
    expect((await client.post('/61', { daily_budget: 9000 })).body.error.error_subcode).toBe(1487056);
    expect((await client.post('/61', { name: 'Renamed' })).body).toEqual({ success: true });
    expect((await client.object('61')).name).toBe('Renamed');
  });

  it('deletes with DELETE {id}, and keeps the object readable by id', async () => {
    const r = await client.fetchJson(`${client.url('/110')}?access_token=${client.token}`, {
      method: 'DELETE',
    });
    expect(r.body).toEqual({ success: true });
    expect((await client.get('/110', { fields: 'status' })).body.status).toBe('DELETED');
    expect((await client.get(`/${ACCOUNT}/ads`)).body.data.map((a: { id: string }) => a.id)).not.toContain(
      '110',
    );
  });
});

describe('creating objects', () => {
  it('requires special_ad_categories on a new campaign', async () => {
    const r = await client.post(`/${ACCOUNT}/campaigns`, {
      name: 'New',
      objective: 'OUTCOME_SALES',
      status: 'PAUSED',
    });
    expect(r.body.error).toMatchObject({
      code: 100,
      message: '(#100) The parameter special_ad_categories is required',
    });
  });

  it('creates a campaign, an ad set, a creative and an ad, each answering {"id"}', async () => {
    const campaign = await client.post(`/${ACCOUNT}/campaigns`, {
      name: 'New campaign',
      objective: 'OUTCOME_SALES',
      status: 'PAUSED',
      special_ad_categories: ['NONE'],
    });
    expect(campaign.body.id).toMatch(/^\d+$/);
    const adset = await client.post(`/${ACCOUNT}/adsets`, {
      name: 'New ad set',
      campaign_id: campaign.body.id,
      daily_budget: 2000,
      billing_event: 'IMPRESSIONS',
      optimization_goal: 'OFFSITE_CONVERSIONS',
      targeting: { geo_locations: { countries: ['US'] } },
      status: 'PAUSED',
    });
    expect(adset.body.id).toMatch(/^\d+$/);
    const creative = await client.post(`/${ACCOUNT}/adcreatives`, {
      name: 'New creative',
      object_story_spec: {
        page_id: '300000000000001',
        link_data: { link: 'https://example.com', message: 'Hi' },
      },
    });
    const ad = await client.post(`/${ACCOUNT}/ads`, {
      name: 'New ad',
      adset_id: adset.body.id,
      creative: { creative_id: creative.body.id },
      status: 'PAUSED',
    });
    expect(await client.object(ad.body.id)).toMatchObject({
      type: 'ad',
      status: 'PAUSED',
      adset_id: adset.body.id,
      campaign_id: campaign.body.id,
    });
    expect((await client.get(`/${ACCOUNT}/ads`, { effective_status: ['PAUSED'] })).body.data).toContainEqual({
      id: ad.body.id,
    });
    expect(await client.object(adset.body.id)).toMatchObject({
      learning_stage: 'LEARNING',
      daily_budget: 2000,
    });
  });

  it('refuses a creative whose page is not one of the scenario pages', async () => {
    const r = await client.post(`/${ACCOUNT}/adcreatives`, {
      name: 'x',
      object_story_spec: { page_id: '123', link_data: { link: 'https://example.com' } },
    });
    expect(r.body.error.code).toBe(100);
    expect(r.body.error.message).toMatch(/page_id/);
  });

  it('refuses an ad set budget under a CBO campaign, and a missing one under an ABO campaign', async () => {
    expect(
      (await client.post(`/${ACCOUNT}/adsets`, { name: 'x', campaign_id: '13', daily_budget: 2000 })).body
        .error.error_subcode,
    ).toBe(1885621);
    expect((await client.post(`/${ACCOUNT}/adsets`, { name: 'x', campaign_id: '10' })).body.error.code).toBe(
      100,
    );
  });

  it('creates nothing under validate_only', async () => {
    const r = await client.post(`/${OTHER_ACCOUNT}/campaigns`, {
      name: 'Dry run',
      objective: 'OUTCOME_SALES',
      special_ad_categories: [],
      execution_options: ['validate_only'],
    });
    expect(r.body).toEqual({ success: true });
    expect((await client.get(`/${OTHER_ACCOUNT}/campaigns`)).body.data).toEqual([{ id: '50' }]);
  });
});
