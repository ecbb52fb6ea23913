import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../src/domain/planner.js';
import { recommend } from '../../../src/domain/recommend.js';
import type { Recommendation, RuleId } from '../../../src/domain/recommendation.js';
import type { Snapshot } from '../../../src/domain/snapshot.js';
import { aboAccount, config, SnapshotBuilder } from './builders.js';

const run = (snapshot: Snapshot, c = config()) => recommend({ snapshot, config: c });
const find = (recs: Recommendation[], rule: RuleId, entityId: string) =>
  recs.find((r) => r.rule === rule && r.entityId === entityId);

describe('low_ctr', () => {
  it('alerts on CTR under 0.5 % over at least 5 000 impressions, with no action (low)', () => {
    const rec = find(
      run(aboAccount().window('111', { impressions: 5_000, clicks: 24 }).build()),
      'low_ctr',
      '111',
    )!;
    expect(rec.severity).toBe('low');
    expect(rec.action).toBeNull();
    expect(rec.evidence.sentence).toBe(
      'CTR 0.48 % on 5,000 impressions vs floor 0.50 %: refresh the creative',
    );
  });

  it('is quiet at exactly 0.5 % and under 5 000 impressions', () => {
    expect(
      find(run(aboAccount().window('111', { impressions: 5_000, clicks: 25 }).build()), 'low_ctr', '111'),
    ).toBeUndefined();
    expect(
      find(run(aboAccount().window('111', { impressions: 4_999, clicks: 0 }).build()), 'low_ctr', '111'),
    ).toBeUndefined();
  });

  it('judges creatives, not ad sets', () => {
    expect(run(aboAccount().window('11', { impressions: 50_000, clicks: 10 }).build())).toEqual([]);
  });
});

describe('high_frequency', () => {
  it('alerts at frequency 4.0 over the window (medium)', () => {
    const rec = find(
      run(aboAccount().window('11', { impressions: 4_000, reach: 1_000 }).build()),
      'high_frequency',
      '11',
    )!;
    expect(rec.severity).toBe('medium');
    expect(rec.action).toBeNull();
    expect(rec.evidence.sentence).toBe(
      'Frequency 4.0 over 2026-11-13–2026-11-19 (4,000 impressions on 1,000 people) vs limit 4.0: audience fatigue, refresh creative or widen the audience',
    );
  });

  it('is quiet just under 4.0 and on too few impressions to mean anything', () => {
    expect(run(aboAccount().window('11', { impressions: 4_000, reach: 1_001 }).build())).toEqual([]);
    expect(run(aboAccount().window('11', { impressions: 800, reach: 100 }).build())).toEqual([]);
  });

  it('never pauses on frequency alone', () => {
    const recs = run(
      aboAccount()
        .window('11', {
          impressions: 120_000,
          reach: 10_000,
          spend: 10_000,
          purchases: 2,
          purchaseValue: 40_000,
        })
        .build(),
    );
    expect(recs.map((r) => r.rule)).toEqual(['high_frequency']);
    expect(recs[0]!.action).toBeNull();
  });

  it('is reported once per audience: at the ad set, not again for its ads or campaign', () => {
    const f = { impressions: 50_000, reach: 5_000, clicks: 1_000 };
    const recs = run(aboAccount().window('1', f).window('11', f).window('111', f).build());
    expect(recs.map((r) => `${r.rule}:${r.entityId}`)).toEqual(['high_frequency:11']);
  });
});

/**
 * Ad set 11 with seven baseline days (Nov 12–18) and yesterday (Nov 19). Without a daily budget (a
 * lifetime budget) by default: Meta's allowance cannot be judged, and the median test alone decides.
 */
function spiky(
  baseline: number[],
  yesterday: { spend: number; purchases?: number },
  dailyBudget: number | null = null,
) {
  const b = new SnapshotBuilder().campaign('1').adset('11', '1', { dailyBudget }).ad('111', '11');
  baseline.forEach((spend, i) => {
    b.day('11', `2026-11-${12 + i}`, { spend });
  });
  b.day('11', '2026-11-19', yesterday);
  return b.build();
}
const STEADY = [10_000, 11_000, 9_000, 10_500, 9_500, 10_000, 12_000];

describe('spend_spike', () => {
  it('alerts when yesterday is ≥ 2 × the 7-day median and a robust outlier, high when nothing sold', () => {
    const rec = find(run(spiky(STEADY, { spend: 30_000 })), 'spend_spike', '11')!;
    expect(rec.severity).toBe('high');
    expect(rec.action).toBeNull();
    expect(rec.evidence.spike).toMatchObject({
      date: '2026-11-19',
      baselineMedian: 10_000,
      mad: 500,
      ratio: 3,
    });
    expect(rec.evidence.spike!.modifiedZ).toBeCloseTo(26.98, 2);
    expect(rec.evidence.sentence).toBe(
      'Spend $300 on 2026-11-19 vs 7-day median $100 (3.0×, modified z 27.0); no purchases that day',
    );
  });

  it("reads the days of the snapshot, even when the engine's now is later", () => {
    const later = recommend({
      snapshot: spiky(STEADY, { spend: 30_000 }),
      config: config(),
      now: '2026-11-23T09:00:00Z',
    });
    expect(find(later, 'spend_spike', '11')?.evidence.spike?.date).toBe('2026-11-19');
  });

  it('is medium when yesterday still bought at or under target CPA', () => {
    expect(find(run(spiky(STEADY, { spend: 30_000, purchases: 3 })), 'spend_spike', '11')!.severity).toBe(
      'medium',
    );
  });

  it('is quiet under 2 × the median', () => {
    expect(find(run(spiky(STEADY, { spend: 19_999 })), 'spend_spike', '11')).toBeUndefined();
  });

  it('is quiet when the baseline is too noisy for the jump to be unusual (z < 3.5)', () => {
    const noisy = [5_000, 15_000, 5_000, 15_000, 10_000, 5_000, 15_000];
    expect(find(run(spiky(noisy, { spend: 30_000 })), 'spend_spike', '11')).toBeUndefined();
  });

  it('uses the ratio alone when the baseline is flat (MAD 0)', () => {
    const rec = find(
      run(spiky(Array(7).fill(10_000), { spend: 20_000, purchases: 1 })),
      'spend_spike',
      '11',
    )!;
    expect(rec.evidence.spike!.modifiedZ).toBeNull();
    expect(rec.severity).toBe('high'); // $200 for one purchase is above the $120 target
  });

  it('ignores spikes smaller than one target CPA of money', () => {
    expect(find(run(spiky(Array(7).fill(5_000), { spend: 11_999 })), 'spend_spike', '11')).toBeUndefined();
  });

  it('treats a first day of spend as a launch, not a spike', () => {
    expect(find(run(spiky(Array(7).fill(0), { spend: 50_000 })), 'spend_spike', '11')).toBeUndefined();
  });
});

/** Account (campaign 1) with `baseline` purchases over Nov 11–17 and the last two days given. */
function tracking(baselinePurchases: number, recent: { spend: number; purchases: number }) {
  const b = aboAccount();
  for (let d = 11; d <= 17; d++)
    b.day('1', `2026-11-${d}`, { spend: 20_000, purchases: d === 11 ? baselinePurchases : 0 });
  b.day('1', '2026-11-18', { spend: recent.spend / 2, purchases: 0 });
  b.day('1', '2026-11-19', { spend: recent.spend / 2, purchases: recent.purchases });
  return b;
}

describe('tracking_broken', () => {
  it('alerts at account level when two days of real spend bring no purchase after a selling week', () => {
    const recs = run(tracking(5, { spend: 36_000, purchases: 0 }).build());
    const rec = find(recs, 'tracking_broken', 'act_1')!;
    expect(rec).toMatchObject({
      severity: 'high',
      level: 'account',
      entityName: 'Test account',
      action: null,
    });
    expect(rec.evidence.tracking).toEqual({
      recentSince: '2026-11-18',
      recentUntil: '2026-11-19',
      recentSpend: 36_000,
      recentPurchases: 0,
      baselineSince: '2026-11-11',
      baselineUntil: '2026-11-17',
      baselinePurchases: 5,
    });
    expect(rec.evidence.window).toEqual({ since: '2026-11-18', until: '2026-11-19' });
  });

  it('is quiet with too little spend, any recent purchase, or too few purchases before', () => {
    expect(
      find(run(tracking(5, { spend: 35_998, purchases: 0 }).build()), 'tracking_broken', 'act_1'),
    ).toBeUndefined();
    expect(
      find(run(tracking(5, { spend: 36_000, purchases: 1 }).build()), 'tracking_broken', 'act_1'),
    ).toBeUndefined();
    expect(
      find(run(tracking(4, { spend: 36_000, purchases: 0 }).build()), 'tracking_broken', 'act_1'),
    ).toBeUndefined();
  });

  it('never pauses or cuts on conversion data while tracking looks broken', () => {
    const snapshot = tracking(5, { spend: 36_000, purchases: 0 })
      .ad('112', '11')
      .window('111', { spend: 50_000, impressions: 10_000, clicks: 10 })
      .window('11', { spend: 112_899, purchases: 7, purchaseValue: 81_300 })
      .window('112', { spend: 62_899, purchases: 7, purchaseValue: 81_300 })
      .build();
    const recs = run(snapshot);
    const zero = find(recs, 'zero_conversions', '111')!;
    expect(zero.action).toBeNull();
    expect(zero.evidence.suppressedBy).toBe('tracking_broken');
    expect(zero.evidence.sentence).toMatch(/action withheld while purchase tracking looks broken$/);
    expect(find(recs, 'low_roas', '11')!.action).toBeNull();
    expect(find(recs, 'low_ctr', '111')!.evidence.suppressedBy).toBeNull();
    expect(buildPlan({ snapshot, recommendations: recs, config: config() }).actions).toEqual([]);
  });

  it('clears by itself once purchases are recorded again', () => {
    const recs = run(tracking(5, { spend: 36_000, purchases: 1 }).window('111', { spend: 50_000 }).build());
    expect(find(recs, 'zero_conversions', '111')!.action).not.toBeNull();
  });
});

describe('an account with no delivery', () => {
  it('has nothing to recommend', () => {
    expect(run(new SnapshotBuilder().campaign('1').adset('11', '1').ad('111', '11').build())).toEqual([]);
  });
});

describe("spend_spike and Meta's spend allowance", () => {
  // Nov 19, 2026 is a Thursday: its calendar week began on Sunday Nov 15.
  it('calls a day at 1.6 × the daily budget a surge within the allowance: medium, not high', () => {
    const rec = find(run(spiky(Array(7).fill(8_000), { spend: 16_000 }, 10_000)), 'spend_spike', '11')!;
    expect(rec.severity).toBe('medium');
    expect(rec.evidence.allowance).toMatchObject({
      dailyBudget: 10_000,
      dayRatio: 1.6,
      withinDay: true,
      withinWeek: true,
    });
    expect(rec.evidence.sentence).toContain("1.60× the $100 daily budget: a surge within Meta's allowance");
  });

  it('flags a day at 2.1 × the daily budget as high: beyond what Meta may spend on one day', () => {
    const rec = find(run(spiky(Array(7).fill(10_000), { spend: 21_000 }, 10_000)), 'spend_spike', '11')!;
    expect(rec.severity).toBe('high');
    expect(rec.evidence.allowance).toMatchObject({ dayRatio: 2.1, withinDay: false });
    expect(rec.evidence.sentence).toContain('beyond the 1.75× Meta may spend on one day');
  });

  it('flags 2.1 × even when the baseline was already high (no median spike needed)', () => {
    const rec = find(run(spiky(Array(7).fill(15_000), { spend: 21_000 }, 10_000)), 'spend_spike', '11')!;
    expect(rec.severity).toBe('high');
  });

  it('flags a calendar week beyond 7 × the daily budget, even with no single day beyond 1.75 ×', () => {
    // Sun Nov 15 – Thu Nov 19 at 1.7 × each: 8.5 × the budget in five days.
    const rec = find(run(spiky(Array(7).fill(17_000), { spend: 17_000 }, 10_000)), 'spend_spike', '11')!;
    expect(rec.severity).toBe('high');
    expect(rec.evidence.allowance).toMatchObject({
      weekSince: '2026-11-15',
      weekSpend: 85_000,
      withinDay: true,
      withinWeek: false,
    });
    expect(rec.evidence.sentence).toContain('beyond the 7× Meta may spend in a calendar week');
  });

  it('stays quiet for steady spend inside the allowance', () => {
    expect(
      find(run(spiky(Array(7).fill(12_000), { spend: 13_000 }, 10_000)), 'spend_spike', '11'),
    ).toBeUndefined();
  });

  it('judges yesterday against the budget before MetaBuyer cut it this morning', () => {
    const snapshot = spiky(Array(7).fill(10_000), { spend: 21_000 }, 8_000);
    const history = [
      {
        entityId: '11',
        level: 'adset' as const,
        type: 'update_daily_budget' as const,
        from: 13_000,
        to: 8_000,
        at: '2026-11-20T12:00:00Z',
      },
    ];
    const rec = find(recommend({ snapshot, config: config(), history }), 'spend_spike', '11')!;
    expect(rec.evidence.allowance).toMatchObject({ dailyBudget: 13_000, withinDay: true });
    expect(rec.severity).toBe('medium');
  });
});
