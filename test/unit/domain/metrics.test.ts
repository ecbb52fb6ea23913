import { describe, expect, it } from 'vitest';
import { accountDailySeries, entityDailySeries } from '../../../src/domain/daily-series.js';
import { addDays, dateRange, lastCompleteDay, localDate } from '../../../src/domain/dates.js';
import { addInto, deriveMetrics, subtractSums, zeroSums } from '../../../src/domain/metrics.js';
import { summarize } from '../../../src/domain/summary.js';
import { demoSnapshot } from '../../support/demo-snapshot.js';
import { SnapshotBuilder, sums } from './builders.js';

describe('metrics', () => {
  it('derives every ratio from sums', () => {
    const m = deriveMetrics(
      sums({
        spend: 50_000,
        impressions: 20_000,
        reach: 5_000,
        clicks: 200,
        linkClicks: 150,
        purchases: 4,
        purchaseValue: 90_000,
      }),
    );
    expect(m.cpa).toBe(12_500);
    expect(m.roas).toBe(1.8);
    expect(m.ctr).toBe(0.01);
    expect(m.linkCtr).toBe(0.0075);
    expect(m.cpm).toBe(2_500);
    expect(m.cpc).toBe(250);
    expect(m.frequency).toBe(4);
  });

  it('never averages ratios: two ad sets at CPA $10 and $100 are not $55 together', () => {
    const cheap = sums({ spend: 10_000, purchases: 10 });
    const dear = sums({ spend: 10_000, purchases: 1 });
    const together = addInto(addInto(zeroSums(), cheap), dear);
    expect(deriveMetrics(together).cpa).toBe(20_000 / 11);
    expect(deriveMetrics(together).cpa).not.toBe(5_500);
  });

  it('leaves ratios with a zero denominator empty, as Meta does', () => {
    const m = deriveMetrics(zeroSums());
    expect([m.cpa, m.roas, m.ctr, m.cpm, m.cpc, m.frequency]).toEqual([null, null, null, null, null, null]);
  });

  it('subtracts a part without going negative and keeps the whole reach', () => {
    const rest = subtractSums(
      sums({ spend: 100, reach: 50, purchases: 1 }),
      sums({ spend: 150, reach: 40, purchases: 2 }),
    );
    expect(rest).toMatchObject({ spend: 0, reach: 50, purchases: 0 });
  });
});

describe('dates', () => {
  it("computes yesterday in the account's time zone, not UTC", () => {
    // 03:00 UTC on the 20th is still the 19th in New York: yesterday there is the 18th.
    expect(lastCompleteDay('2026-11-20T03:00:00Z', 'America/New_York')).toBe('2026-11-18');
    expect(lastCompleteDay('2026-11-20T03:00:00Z', 'Asia/Tokyo')).toBe('2026-11-19');
    expect(localDate('2026-11-20T03:00:00Z', 'Not/AZone')).toBe('2026-11-20');
  });

  it('does calendar arithmetic across months and leap days', () => {
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(dateRange('2026-12-30', '2027-01-02')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
  });
});

describe('daily series', () => {
  it('covers the last 14 complete days, zero-filling days without a row', () => {
    const snapshot = new SnapshotBuilder()
      .campaign('1')
      .day('1', '2026-11-19', { spend: 500 })
      .day('1', '2026-11-10', { spend: 300 })
      .day('1', '2026-11-20', { spend: 999 }) // today: incomplete, never in the series
      .build();
    const series = entityDailySeries(snapshot, '1');
    expect(series).toHaveLength(14);
    expect(series[0]!.date).toBe('2026-11-06');
    expect(series[13]).toMatchObject({ date: '2026-11-19', spend: 500 });
    expect(series.find((d) => d.date === '2026-11-10')!.spend).toBe(300);
    expect(series.filter((d) => d.spend === 0)).toHaveLength(12);
  });

  it('sums the account from campaign rows only', () => {
    const series = accountDailySeries(demoSnapshot());
    const total = series.reduce((n, d) => n + d.spend, 0);
    expect(total).toBe(284_319);
    expect(series.reduce((n, d) => n + d.purchases, 0)).toBe(19);
  });
});

describe('run summary', () => {
  it('gives the seed-demo account its transcript figures: $2,843.19, 19 purchases, CPA $149.64, ROAS 1.21', () => {
    const s = summarize(demoSnapshot());
    expect(s.spend).toBe(284_319);
    expect(s.purchases).toBe(19);
    expect(s.purchaseValue).toBe(344_026);
    expect(s.cpa).toBe(14_964);
    expect(s.roas?.toFixed(2)).toBe('1.21');
  });

  it('has no CPA without purchases and no ROAS without spend', () => {
    const s = summarize(new SnapshotBuilder().campaign('1').window('1', { impressions: 10 }).build());
    expect(s.cpa).toBeNull();
    expect(s.roas).toBeNull();
  });
});
