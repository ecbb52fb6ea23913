import { describe, expect, it } from 'vitest';
import {
  normalizeAccount,
  normalizeAd,
  normalizeAdSet,
  normalizeCampaign,
  normalizeDailyRow,
  normalizeWindowRow,
} from '../../../src/meta/normalize.js';
import { adSetNodeSchema, insightsRowSchema } from '../../../src/meta/schemas.js';

describe('Graph responses → snapshot parts', () => {
  it('reads an account, budgets in minor units as Meta sends them', () => {
    expect(
      normalizeAccount({
        id: 'act_42',
        name: 'Tokyo store',
        currency: 'JPY',
        timezone_name: 'Asia/Tokyo',
        account_status: 1,
        min_daily_budget: 100,
      }),
    ).toEqual({
      id: 'act_42',
      name: 'Tokyo store',
      currency: 'JPY',
      timezone: 'Asia/Tokyo',
      accountStatus: 1,
      minDailyBudget: 100,
    });
  });

  it('treats an absent or zero daily budget as none (lifetime budget, or the budget is on the campaign)', () => {
    const base = { id: '1', name: 'c', status: 'ACTIVE', effective_status: 'ACTIVE' };
    expect(normalizeCampaign({ ...base, daily_budget: '16000' }).dailyBudget).toBe(16000);
    expect(
      normalizeCampaign({ ...base, daily_budget: '0', lifetime_budget: '50000' }).dailyBudget,
    ).toBeNull();
    expect(normalizeCampaign(base).dailyBudget).toBeNull();
  });

  it('reads the learning stage and the last significant edit of an ad set', () => {
    const node = adSetNodeSchema.parse({
      id: '15',
      name: 'Cart abandoners 7d',
      campaign_id: '13',
      status: 'ACTIVE',
      effective_status: 'ACTIVE',
      learning_stage_info: { status: 'LEARNING', conversions: 12, last_sig_edit_ts: 1795000000 },
    });
    expect(normalizeAdSet(node)).toMatchObject({
      level: 'adset',
      campaignId: '13',
      adsetId: null,
      learningStage: 'LEARNING',
      lastSignificantEditAt: new Date(1795000000 * 1000).toISOString(),
      dailyBudget: null,
    });
    expect(
      normalizeAdSet({ ...node, learning_stage_info: { status: 'SOMETHING_NEW', last_sig_edit_ts: 0 } }),
    ).toMatchObject({
      learningStage: null,
      lastSignificantEditAt: null,
    });
  });

  it('keeps the parents of an ad and refuses a status Meta does not define', () => {
    const ad = {
      id: '110',
      name: 'a',
      adset_id: '11',
      campaign_id: '10',
      status: 'PAUSED',
      effective_status: 'PAUSED',
    };
    expect(normalizeAd(ad)).toMatchObject({
      campaignId: '10',
      adsetId: '11',
      status: 'PAUSED',
      dailyBudget: null,
    });
    expect(() => normalizeAd({ ...ad, status: 'SLEEPING' })).toThrow(/unknown status/);
  });

  it('turns an insights row into numbers, money in minor units, purchases under one type only', () => {
    const row = insightsRowSchema.parse({
      ad_id: '110',
      date_start: '2026-11-14',
      date_stop: '2026-11-14',
      spend: '80.91',
      impressions: '4495',
      reach: '3458',
      clicks: '63',
      inline_link_clicks: '50',
      actions: [
        { action_type: 'link_click', value: '50' },
        { action_type: 'omni_purchase', value: '1' },
        { action_type: 'purchase', value: '1' },
      ],
      action_values: [
        { action_type: 'omni_purchase', value: '125.5' },
        { action_type: 'purchase', value: '125.5' },
      ],
    });
    const ctx = { level: 'ad' as const, currency: 'USD', purchaseActionType: 'omni_purchase' };
    expect(normalizeDailyRow(row, ctx)).toEqual({
      entityId: '110',
      level: 'ad',
      date: '2026-11-14',
      spend: 8091,
      impressions: 4495,
      reach: 3458,
      clicks: 63,
      linkClicks: 50,
      purchases: 1,
      purchaseValue: 12550,
    });
    expect(normalizeWindowRow(row, { ...ctx, currency: 'JPY' })).toMatchObject({
      spend: 81,
      purchaseValue: 126,
    });
  });

  it('refuses a row without the id of its level', () => {
    const row = insightsRowSchema.parse({ date_start: '2026-11-14', date_stop: '2026-11-14', spend: '1' });
    expect(() =>
      normalizeDailyRow(row, { level: 'adset', currency: 'USD', purchaseActionType: 'omni_purchase' }),
    ).toThrow(/adset_id/);
  });
});
