import { describe, expect, it } from 'vitest';
import { ACCOUNT, SYSTEM_TOKEN, simForEachTest } from '../../support/sim.js';

const client = simForEachTest();

describe('paging', () => {
  it('pages through every ad with complete next URLs that repeat every parameter, token included', async () => {
    const seen: string[] = [];
    let page = await client.get(`/${ACCOUNT}/ads`, { fields: 'name,status', limit: '3' });
    const first = page.body.paging;
    expect(first.previous).toBeUndefined();
    const next = new URL(first.next);
    expect(next.origin + next.pathname).toBe(client.url(`/${ACCOUNT}/ads`));
    expect(Object.fromEntries(next.searchParams)).toMatchObject({
      fields: 'name,status',
      limit: '3',
      access_token: SYSTEM_TOKEN,
      after: first.cursors.after,
    });
    for (;;) {
      seen.push(...page.body.data.map((a: { id: string }) => a.id));
      if (!page.body.paging.next) break;
      page = await client.fetchJson(page.body.paging.next);
    }
    expect(seen).toEqual(['110', '111', '120', '121', '130', '131', '140']);
    expect(page.body.data).toHaveLength(1);
    const back = await client.fetchJson(page.body.paging.previous);
    expect(back.body.data.map((a: { id: string }) => a.id)).toEqual(['121', '130', '131']);
  });

  it('puts the page size in next URLs when the client gave none, and caps limit at the maximum', async () => {
    await client.admin('POST', 'limits', { default_page_size: 2, max_page_size: 3 });
    const unasked = await client.get(`/${ACCOUNT}/ads`);
    expect(unasked.body.data).toHaveLength(2);
    expect(new URL(unasked.body.paging.next).searchParams.get('limit')).toBe('2');
    const greedy = await client.get(`/${ACCOUNT}/ads`, { limit: '1000' });
    expect(greedy.body.data).toHaveLength(3);
    expect(new URL(greedy.body.paging.next).searchParams.get('limit')).toBe('3');
  });

  it('pages insights rows the same way, the last page without next', async () => {
    const all = await client.get(`/${ACCOUNT}/insights`, {
      level: 'ad',
      date_preset: 'last_7d',
      time_increment: '1',
      fields: 'ad_id,spend',
      limit: '5000',
    });
    expect(all.body.data).toHaveLength(49);
    expect(all.body.paging.next).toBeUndefined();
    const rows: unknown[] = [];
    let url: string | undefined =
      `${client.url(`/${ACCOUNT}/insights`)}?${new URLSearchParams({ level: 'ad', date_preset: 'last_7d', time_increment: '1', fields: 'ad_id,spend', limit: '20', access_token: SYSTEM_TOKEN })}`;
    while (url) {
      const page = await client.fetchJson(url);
      rows.push(...page.body.data);
      url = page.body.paging?.next;
    }
    expect(rows).toEqual(all.body.data);
  });
});

describe('objects and fields', () => {
  it('answers a node without fields with its id only, and with fields as asked', async () => {
    expect((await client.get('/11')).body).toEqual({ id: '11' });
    const account = await client.get(`/${ACCOUNT}`, {
      fields: 'name,currency,timezone_name,account_status,min_daily_budget,business',
    });
    expect(account.body).toEqual({
      id: ACCOUNT,
      name: 'Demo Store US',
      currency: 'USD',
      timezone_name: 'America/New_York',
      account_status: 1,
      min_daily_budget: 100,
      business: { id: '400000000000001', name: 'Business 400000000000001' },
    });
  });

  it('serves budgets as strings, learning stage info, and nested selections', async () => {
    const adset = await client.get('/15', {
      fields: 'name,daily_budget,campaign_id,learning_stage_info,campaign{name,daily_budget}',
    });
    expect(adset.body).toMatchObject({
      campaign_id: '13',
      campaign: { id: '13', name: 'Retargeting', daily_budget: '16000' },
      learning_stage_info: {
        status: 'LEARNING',
        last_sig_edit_ts: 0,
        attribution_windows: ['7d_click', '1d_view'],
      },
    });
    expect(adset.body.daily_budget).toBeUndefined();
    expect(typeof adset.body.learning_stage_info.conversions).toBe('number');
    const only = await client.get('/11', { fields: 'learning_stage_info{status}' });
    expect(only.body).toEqual({ id: '11', learning_stage_info: { status: 'SUCCESS' } });
    const campaign = await client.get('/10', { fields: 'created_time,objective,special_ad_categories' });
    expect(campaign.body.created_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/);
  });

  it('shows a paused parent through its children: CAMPAIGN_PAUSED before ADSET_PAUSED', async () => {
    await client.admin('POST', 'mutate', { id: '12', fields: { status: 'PAUSED' } });
    let ad = await client.get('/120', { fields: 'status,configured_status,effective_status' });
    expect(ad.body).toMatchObject({
      status: 'ACTIVE',
      configured_status: 'ACTIVE',
      effective_status: 'ADSET_PAUSED',
    });
    await client.admin('POST', 'mutate', { id: '10', fields: { status: 'PAUSED' } });
    ad = await client.get('/120', { fields: 'effective_status' });
    expect(ad.body.effective_status).toBe('CAMPAIGN_PAUSED');
    expect((await client.get('/11', { fields: 'effective_status' })).body.effective_status).toBe(
      'CAMPAIGN_PAUSED',
    );
  });

  it('lists only the effective statuses asked for, and hides archived objects by default', async () => {
    await client.admin('POST', 'mutate', { id: '10', fields: { status: 'PAUSED' } });
    await client.admin('POST', 'mutate', { id: '140', fields: { status: 'ARCHIVED' } });
    const active = await client.get(`/${ACCOUNT}/ads`, { effective_status: ['ACTIVE'] });
    expect(active.body.data.map((a: { id: string }) => a.id)).toEqual(['130', '131']);
    const inherited = await client.get(`/${ACCOUNT}/adsets`, { effective_status: '["CAMPAIGN_PAUSED"]' });
    expect(inherited.body.data.map((a: { id: string }) => a.id)).toEqual(['11', '12']);
    const byDefault = await client.get(`/${ACCOUNT}/ads`);
    expect(byDefault.body.data.map((a: { id: string }) => a.id)).not.toContain('140');
    const archived = await client.get(`/${ACCOUNT}/ads`, { effective_status: ['ARCHIVED'] });
    expect(archived.body.data).toEqual([{ id: '140' }]);
  });

  it('refuses an effective_status Meta does not have', async () => {
    const r = await client.get(`/${ACCOUNT}/campaigns`, { effective_status: ['RUNNING'] });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/^\(#100\) Param effective_status\[0\] must be one of \{ACTIVE, /);
    const ads = await client.get(`/${ACCOUNT}/ads`, { effective_status: ['ACTIVE', 'LIVE'] });
    expect(ads.body.error.message).toMatch(
      /^\(#100\) Param effective_status\[1\] must be one of \{ACTIVE, ADSET_PAUSED, /,
    );
  });
});

describe('mistakes a client can make, refused as Meta refuses them', () => {
  it('refuses a field the node type does not have', async () => {
    const r = await client.get(`/${ACCOUNT}/campaigns`, { fields: 'name,dailybudget' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 100,
      type: 'OAuthException',
      message: '(#100) Tried accessing nonexisting field (dailybudget) on node type (Campaign)',
    });
    expect(r.body.error.fbtrace_id).toBeTruthy();
  });

  it('refuses an unknown edge with Meta’s unknown path error', async () => {
    const r = await client.get(`/${ACCOUNT}/campaigns_typo`);
    expect(r.body.error).toMatchObject({ code: 2500, message: 'Unknown path components: /campaigns_typo' });
  });

  it('refuses an id that does not exist', async () => {
    const r = await client.get('/123456789');
    expect(r.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    expect(r.body.error.message).toMatch(
      /^Unsupported get request\. Object with ID '123456789' does not exist/,
    );
  });

  it('refuses unknown insights fields, listing them', async () => {
    const r = await client.get(`/${ACCOUNT}/insights`, { fields: 'spend,purchases' });
    expect(r.body.error.message).toBe(
      '(#100) purchases is not valid for fields param. please check https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ for all valid values',
    );
  });

  it('says plainly that it does not expand edges inside fields, rather than pretending the field is unknown', async () => {
    const r = await client.get(`/${ACCOUNT}/campaigns`, { fields: 'name,insights{spend}' });
    expect(r.status).toBe(501);
    expect(r.body.error.message).toMatch(/field expansion of the insights edge/);
  });

  it('serves insights on campaigns, ad sets and ads, at their own level or below', async () => {
    const campaign = await client.get('/13/insights', {
      date_preset: 'last_7d',
      fields: 'campaign_id,spend',
    });
    expect(campaign.body.data).toEqual([
      {
        campaign_id: '13',
        spend: expect.stringMatching(/^\d+\.\d{2}$/),
        date_start: '2026-11-13',
        date_stop: '2026-11-19',
      },
    ]);
    const ads = await client.get('/13/insights', {
      date_preset: 'last_7d',
      level: 'ad',
      fields: 'ad_id,spend',
    });
    expect(ads.body.data.map((r: { ad_id: string }) => r.ad_id)).toEqual(['130', '131', '140']);
    const sum = ads.body.data.reduce((s: number, r: { spend: string }) => s + Number(r.spend), 0);
    expect(sum.toFixed(2)).toBe(campaign.body.data[0].spend);
    expect(
      (await client.get('/140/insights', { date_preset: 'last_7d', fields: 'ad_id' })).body.data,
    ).toHaveLength(1);
    expect((await client.get('/14/insights', { level: 'campaign' })).body.error.code).toBe(100);
  });

  it('defaults insights to impressions and spend over the last 30 days', async () => {
    const r = await client.get(`/${ACCOUNT}/insights`);
    expect(r.body.data).toEqual([
      {
        impressions: expect.any(String),
        spend: '2843.19',
        date_start: '2026-10-21',
        date_stop: '2026-11-19',
      },
    ]);
  });
});

describe('API versions', () => {
  it.each(['v24.0', 'v25.0', 'v26.0'])('serves %s', async (version) => {
    const r = await client.fetchJson(`${client.sim.url}/${version}/${ACCOUNT}?access_token=${SYSTEM_TOKEN}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('facebook-api-version')).toBe(version);
  });

  it.each(['v23.0', 'v19.0'])('answers %s with the deprecated-version error 2635', async (version) => {
    const r = await client.fetchJson(`${client.sim.url}/${version}/${ACCOUNT}?access_token=${SYSTEM_TOKEN}`);
    expect(r.body.error).toMatchObject({
      code: 2635,
      message:
        '(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: v26.0.',
    });
  });
});
