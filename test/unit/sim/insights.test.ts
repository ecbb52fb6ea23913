import { beforeAll, describe, expect, it } from 'vitest';
import { runInsights } from '../../../src/sim/insights/engine.js';
import { parseInsightsQuery } from '../../../src/sim/insights/query.js';
import { renderInsightsRow } from '../../../src/sim/insights/render.js';
import { SimState } from '../../../src/sim/model/state.js';
import type { Account } from '../../../src/sim/model/types.js';
import { parseScenario } from '../../../src/sim/scenario/load.js';
import { ACCOUNT, type Json, seedScenario } from '../../support/sim.js';

type Row = Record<string, Json>;
const FIELDS =
  'account_id,campaign_id,adset_id,ad_id,impressions,reach,frequency,clicks,inline_link_clicks,spend,ctr,cpc,cpm,actions,action_values,purchase_roas,cost_per_action_type';

let state: SimState;
let account: Account;
const raw = seedScenario();
const rawAds: Array<{ id: string; adset: string; campaign: string; daily: Row[] }> =
  raw.ad_accounts[0].campaigns.flatMap((c: Row) =>
    c.adsets.flatMap((s: Row) =>
      s.ads.map((a: Row) => ({ id: a.id, adset: s.id, campaign: c.id, daily: a.daily })),
    ),
  );

function insights(params: Row, scopeId = ACCOUNT): Row[] {
  const scope = state.objects.get(scopeId) as Json;
  const q = parseInsightsQuery(
    { fields: FIELDS, ...params },
    scope.kind,
    state.today(account),
    account.delivery.earliestDay,
  );
  const r = runInsights(scope, account, q, state.nowMs());
  return Array.from({ length: r.count }, (_, i) => renderInsightsRow(r, i));
}

function action(row: Row, field: string, type: string): string | undefined {
  return (row[field] as Row[] | undefined)?.find((a) => a.action_type === type)?.value;
}

/** SCENARIO.md's reach formulas, computed here from the raw file, independently of the simulator. */
function expectedAdReach(days: Row[]): number {
  const reaches = days.map((d) => d.reach as number);
  const max = Math.max(0, ...reaches);
  return Math.round(max + 0.35 * (reaches.reduce((a, b) => a + b, 0) - max));
}
function expectedParentReach(ads: typeof rawAds, since: string, until: string): number {
  const children = ads.map((a) => expectedAdReach(a.daily.filter((d) => d.date >= since && d.date <= until)));
  const max = Math.max(0, ...children);
  return Math.round(max + 0.8 * (children.reduce((a, b) => a + b, 0) - max));
}

beforeAll(() => {
  state = new SimState(parseScenario(seedScenario()));
  account = state.accounts[0] as Account;
});

describe('insights on seed-demo, last_7d', () => {
  it('adds up the account to the workflow transcript: spend 2843.19, 19 purchases, ROAS 1.21', () => {
    const [row] = insights({ date_preset: 'last_7d' });
    expect(row).toMatchObject({
      spend: '2843.19',
      date_start: '2026-11-13',
      date_stop: '2026-11-19',
      account_id: '1000000001',
    });
    for (const type of ['omni_purchase', 'offsite_conversion.fb_pixel_purchase', 'purchase']) {
      expect(action(row as Row, 'actions', type)).toBe('19');
      expect(action(row as Row, 'action_values', type)).toBe('3440.26');
    }
    expect(Number(action(row as Row, 'purchase_roas', 'omni_purchase')).toFixed(2)).toBe('1.21');
    expect(row?.purchase_roas).toEqual([{ action_type: 'omni_purchase', value: '1.21' }]);
    expect(action(row as Row, 'cost_per_action_type', 'omni_purchase')).toBe('149.641579');
  });

  it.each(['campaign', 'adset', 'ad'])('splits the same totals across every %s', (level) => {
    const rows = insights({ date_preset: 'last_7d', level });
    const sum = (f: string) => rows.reduce((s, r) => s + Number(r[f]), 0);
    expect(sum('spend').toFixed(2)).toBe('2843.19');
    expect(sum('impressions')).toBe(Number(insights({ date_preset: 'last_7d' })[0]?.impressions));
    expect(rows.reduce((s, r) => s + Number(action(r, 'actions', 'purchase') ?? 0), 0)).toBe(19);
    expect(rows.length).toBe(level === 'campaign' ? 2 : level === 'adset' ? 4 : 7);
    expect(rows.every((r) => typeof r.spend === 'string' && /^\d+\.\d{2}$/.test(r.spend))).toBe(true);
  });

  it('reports ad reach as max_day + 0.35 × the rest, and parent reach as max_child + 0.8 × the rest', () => {
    const window = (a: (typeof rawAds)[number]) =>
      a.daily.filter((d) => d.date >= '2026-11-13' && d.date <= '2026-11-19');
    for (const row of insights({ date_preset: 'last_7d', level: 'ad' })) {
      const ad = rawAds.find((a) => a.id === row.ad_id) as (typeof rawAds)[number];
      expect(Number(row.reach)).toBe(expectedAdReach(window(ad)));
    }
    for (const row of insights({ date_preset: 'last_7d', level: 'adset' })) {
      expect(Number(row.reach)).toBe(
        expectedParentReach(
          rawAds.filter((a) => a.adset === row.adset_id),
          '2026-11-13',
          '2026-11-19',
        ),
      );
    }
    const [acct] = insights({ date_preset: 'last_7d' });
    expect(Number(acct?.reach)).toBe(expectedParentReach(rawAds, '2026-11-13', '2026-11-19'));
  });

  it('derives frequency, ctr, cpc and cpm from the sums', () => {
    for (const row of insights({ date_preset: 'last_7d', level: 'adset' })) {
      const impressions = Number(row.impressions);
      const spend = Number(row.spend);
      expect(Number(row.frequency)).toBeCloseTo(impressions / Number(row.reach), 5);
      expect(Number(row.ctr)).toBeCloseTo((Number(row.clicks) / impressions) * 100, 5);
      expect(Number(row.cpc)).toBeCloseTo(spend / Number(row.clicks), 5);
      expect(Number(row.cpm)).toBeCloseTo((spend / impressions) * 1000, 5);
      expect(action(row, 'actions', 'link_click')).toBe(row.inline_link_clicks);
    }
  });

  it('omits rows of ads without delivery, and ratios whose denominator is zero', () => {
    const s = seedScenario();
    s.ad_accounts[0].campaigns[0].adsets[0].ads.push(
      { id: '112', name: 'never delivered', status: 'ACTIVE', daily: [] },
      {
        id: '113',
        name: 'seen, never clicked',
        status: 'ACTIVE',
        daily: [{ date: '2026-11-19', impressions: 100, reach: 0, clicks: 0, spend: 0 }],
      },
    );
    const other = new SimState(parseScenario(s));
    const acct = other.accounts[0] as Account;
    const q = parseInsightsQuery(
      { fields: 'ad_id,spend,ctr,cpc,cpm,frequency,purchase_roas', level: 'ad', date_preset: 'yesterday' },
      'account',
      other.today(acct),
      acct.delivery.earliestDay,
    );
    const r = runInsights(acct, acct, q);
    const rows = Array.from({ length: r.count }, (_, i) => renderInsightsRow(r, i));
    expect(rows.map((row) => row.ad_id)).not.toContain('112');
    expect(rows.find((row) => row.ad_id === '113')).toEqual({
      ad_id: '113',
      spend: '0.00',
      ctr: '0',
      cpm: '0',
      date_start: '2026-11-19',
      date_stop: '2026-11-19',
    });
  });
});

describe('insights windows', () => {
  it('resolves presets in the account time zone: now is 10:00 in New York on 2026-11-20', () => {
    const window = (preset: string) => {
      const [r] = insights({ date_preset: preset });
      return r ? `${r.date_start}..${r.date_stop}` : 'no rows';
    };
    expect(window('yesterday')).toBe('2026-11-19..2026-11-19');
    expect(window('last_3d')).toBe('2026-11-17..2026-11-19');
    expect(window('last_14d')).toBe('2026-11-06..2026-11-19');
    expect(window('this_month')).toBe('2026-11-01..2026-11-20');
    expect(window('today')).toBe('no rows');
    expect(window('last_month')).toBe('no rows');
  });

  it('takes time_range since/until as inclusive local dates', () => {
    const [row] = insights({ time_range: { since: '2026-11-14', until: '2026-11-15' }, level: 'account' });
    const expected = rawAds
      .flatMap((a) => a.daily)
      .filter((d) => d.date === '2026-11-14' || d.date === '2026-11-15')
      .reduce((s, d) => s + d.spend, 0);
    expect(row?.spend).toBe(expected.toFixed(2));
    expect([row?.date_start, row?.date_stop]).toEqual(['2026-11-14', '2026-11-15']);
  });

  it('returns one row per day with time_increment=1, each day its own totals', () => {
    const rows = insights({ date_preset: 'last_7d', time_increment: '1', level: 'campaign' });
    expect(rows).toHaveLength(14);
    for (const row of rows) {
      expect(row.date_start).toBe(row.date_stop);
      const expected = rawAds
        .filter((a) => a.campaign === row.campaign_id)
        .flatMap((a) => a.daily)
        .filter((d) => d.date === row.date_start)
        .reduce((s, d) => s + d.spend, 0);
      expect(row.spend).toBe(expected.toFixed(2));
    }
    const spend = rows.reduce((s, r) => s + Number(r.spend), 0);
    expect(spend.toFixed(2)).toBe('2843.19');
  });

  it('filters by campaign.id IN and adset.id IN', () => {
    expect(
      insights({
        date_preset: 'last_7d',
        level: 'ad',
        filtering: [{ field: 'campaign.id', operator: 'IN', value: ['13'] }],
      }).map((r) => r.ad_id),
    ).toEqual(['130', '131', '140']);
    expect(
      insights({
        date_preset: 'last_7d',
        level: 'ad',
        filtering: [{ field: 'adset.id', operator: 'IN', value: ['12'] }],
      }).map((r) => r.ad_id),
    ).toEqual(['120', '121']);
  });

  it('adds one key per attribution window asked for: click windows full, view windows zero, retired ones absent', () => {
    const [row] = insights({
      date_preset: 'last_7d',
      fields: 'actions',
      action_attribution_windows: ['7d_click', '1d_view', '28d_view'],
    });
    expect((row?.actions as Row[] | undefined)?.find((a) => a.action_type === 'purchase')).toEqual({
      action_type: 'purchase',
      value: '19',
      '7d_click': '19',
      '1d_view': '0',
    });
    expect(() => insights({ action_attribution_windows: ['8d_click'] })).toThrow(
      /action_attribution_windows\[0\] must be one of/,
    );
  });

  it('refuses unknown insights fields the way Meta words it', () => {
    expect(() => insights({ fields: 'spend,spnd,roas' })).toThrow(
      '(#100) spnd, roas are not valid for fields param. please check https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ for all valid values',
    );
  });

  it('refuses time_increment outside 1..90 and unknown presets', () => {
    expect(() => insights({ time_increment: '91' })).toThrow(/time_increment/);
    expect(() => insights({ date_preset: 'last_8d' })).toThrow(
      /Param date_preset must be one of \{data_maximum, last_14d/,
    );
  });
});
