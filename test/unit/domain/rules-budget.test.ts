import { describe, expect, it } from 'vitest';
import type { AppliedAction } from '../../../src/domain/history.js';
import { recommend } from '../../../src/domain/recommend.js';
import type { Recommendation, RuleId } from '../../../src/domain/recommendation.js';
import type { Snapshot } from '../../../src/domain/snapshot.js';
import { aboAccount, cboAccount, config, NOW, SnapshotBuilder } from './builders.js';

const run = (snapshot: Snapshot, c = config(), history: AppliedAction[] = []) =>
  recommend({ snapshot, config: c, history });
const find = (recs: Recommendation[], rule: RuleId, entityId: string) =>
  recs.find((r) => r.rule === rule && r.entityId === entityId);
const hoursAgo = (h: number) => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();

/** Ad set 12 of the seed demo: $683.70, 10 purchases, ROAS 3.48. */
const WINNER = { spend: 68_370, purchases: 10, purchaseValue: 237_626 };

describe('low_roas', () => {
  it('cuts the budget 20 % when ROAS is under 0.75 × target on spend ≥ 3 × target CPA', () => {
    const rec = find(
      run(aboAccount().window('11', { spend: 112_899, purchases: 7, purchaseValue: 81_300 }).build()),
      'low_roas',
      '11',
    )!;
    expect(rec.severity).toBe('medium');
    expect(rec.action).toEqual({
      type: 'update_daily_budget',
      level: 'adset',
      entityId: '11',
      from: 10_000,
      to: 8_000,
    });
    expect(rec.evidence.sentence).toBe(
      'ROAS 0.72 on $1,129 spend and 7 purchases vs target 1.80 (acts below 1.35)',
    );
  });

  it('also fires on 10 purchases with little spend, even without a target CPA', () => {
    const snapshot = aboAccount()
      .window('11', { spend: 20_000, purchases: 10, purchaseValue: 10_000 })
      .build();
    expect(find(run(snapshot, config({ targetCpaMinor: null })), 'low_roas', '11')).toBeDefined();
  });

  it('waits for evidence: 9 purchases on less than 3 × target CPA say nothing yet', () => {
    const snapshot = aboAccount()
      .window('11', { spend: 35_999, purchases: 9, purchaseValue: 10_000 })
      .build();
    expect(find(run(snapshot), 'low_roas', '11')).toBeUndefined();
  });

  it('fires strictly below the 1.35 floor', () => {
    const at = aboAccount().window('11', { spend: 100_000, purchases: 9, purchaseValue: 135_001 }).build();
    const under = aboAccount().window('11', { spend: 100_000, purchases: 9, purchaseValue: 134_999 }).build();
    expect(find(run(at), 'low_roas', '11')).toBeUndefined();
    expect(find(run(under), 'low_roas', '11')).toBeDefined();
  });

  it('never turns an ad-level low ROAS into a budget cut', () => {
    const recs = run(
      aboAccount().window('111', { spend: 112_899, purchases: 7, purchaseValue: 81_300 }).build(),
    );
    expect(recs.filter((r) => r.rule === 'low_roas')).toEqual([]);
  });

  it('judges a campaign budget at the campaign, never at its ad sets', () => {
    const figures = { spend: 112_899, purchases: 7, purchaseValue: 81_300 };
    const recs = run(cboAccount().window('2', figures).window('21', figures).build());
    expect(recs.filter((r) => r.rule === 'low_roas').map((r) => [r.entityId, r.action?.entityId])).toEqual([
      ['2', '2'],
    ]);
    expect(find(recs, 'low_roas', '2')!.action).toMatchObject({ from: 16_000, to: 12_800 });
  });

  it('ignores a campaign without a campaign budget (its ad sets hold the budgets)', () => {
    const figures = { spend: 112_899, purchases: 7, purchaseValue: 81_300 };
    expect(find(run(aboAccount().window('1', figures).build()), 'low_roas', '1')).toBeUndefined();
  });
});

describe('scale_winner', () => {
  it('raises a winning ad set budget by 20 %: $100 → $120', () => {
    const rec = find(run(aboAccount().window('11', WINNER).build()), 'scale_winner', '11')!;
    expect(rec.severity).toBe('medium');
    expect(rec.action).toEqual({
      type: 'update_daily_budget',
      level: 'adset',
      entityId: '11',
      from: 10_000,
      to: 12_000,
    });
    expect(rec.evidence.sentence).toBe(
      'CPA $68 (90 %: $44–$110) on 10 purchases vs target $120; ROAS 3.48 vs target 1.80',
    );
  });

  it('needs ROAS ≥ 1.25 × target as well as a confidently low CPA', () => {
    const lowRoas = aboAccount()
      .window('11', { ...WINNER, purchaseValue: Math.floor(68_370 * 2.24) })
      .build();
    expect(find(run(lowRoas), 'scale_winner', '11')).toBeUndefined();
  });

  it('never scales on a CPA that is good but not proven: 6 purchases at $66', () => {
    const unproven = aboAccount()
      .window('11', { spend: 39_550, purchases: 6, purchaseValue: 151_030 })
      .build();
    expect(find(run(unproven), 'scale_winner', '11')).toBeUndefined();
  });

  it('never scales an ad set that is still learning', () => {
    const snapshot = new SnapshotBuilder()
      .campaign('1')
      .adset('11', '1', { learningStage: 'LEARNING' })
      .window('11', WINNER)
      .build();
    const rec = find(run(snapshot), 'scale_winner', '11')!;
    expect(rec.action).toBeNull();
    expect(rec.severity).toBe('low');
    expect(rec.evidence.hold).toEqual({ reason: 'learning', entityId: '11', until: null });
    expect(rec.evidence.sentence).toContain('held: ad set 11 is still learning');
  });

  it('scales a Learning Limited ad set (more budget is the remedy for too few conversions)', () => {
    const snapshot = new SnapshotBuilder()
      .campaign('1')
      .adset('11', '1', { learningStage: 'FAIL' })
      .window('11', WINNER)
      .build();
    expect(find(run(snapshot), 'scale_winner', '11')!.action).not.toBeNull();
  });

  it('never raises a budget within 72 h of its last increase', () => {
    const snapshot = aboAccount().window('11', WINNER).build();
    const raised = (h: number): AppliedAction[] => [
      {
        entityId: '11',
        level: 'adset',
        type: 'update_daily_budget',
        from: 8_000,
        to: 10_000,
        at: hoursAgo(h),
      },
    ];
    const held = find(run(snapshot, config(), raised(71)), 'scale_winner', '11')!;
    expect(held.action).toBeNull();
    expect(held.evidence.hold).toMatchObject({
      reason: 'recent_increase',
      until: new Date(Date.parse(NOW) + 3_600_000).toISOString(),
    });
    expect(find(run(snapshot, config(), raised(73)), 'scale_winner', '11')!.action).not.toBeNull();
  });

  it('does not count a budget decrease as an increase', () => {
    const cut: AppliedAction[] = [
      {
        entityId: '11',
        level: 'adset',
        type: 'update_daily_budget',
        from: 12_000,
        to: 10_000,
        at: hoursAgo(30),
      },
    ];
    expect(
      find(run(aboAccount().window('11', WINNER).build(), config(), cut), 'scale_winner', '11')!.action,
    ).not.toBeNull();
  });

  it('never scales within 72 h of a significant edit', () => {
    const snapshot = new SnapshotBuilder()
      .campaign('1')
      .adset('11', '1', { lastSignificantEditAt: hoursAgo(10) })
      .window('11', WINNER)
      .build();
    expect(find(run(snapshot), 'scale_winner', '11')!.evidence.hold?.reason).toBe('recent_significant_edit');
  });

  it('holds a campaign budget while any of its delivering ad sets is learning', () => {
    const learning = cboAccount()
      .adset('22', '2', { dailyBudget: null, learningStage: 'LEARNING' })
      .window('2', WINNER)
      .build();
    expect(find(run(learning), 'scale_winner', '2')!.evidence.hold).toMatchObject({
      reason: 'learning',
      entityId: '22',
    });
    const pausedLearner = cboAccount()
      .adset('22', '2', { dailyBudget: null, learningStage: 'LEARNING', status: 'PAUSED' })
      .window('2', WINNER)
      .build();
    expect(find(run(pausedLearner), 'scale_winner', '2')!.action).toMatchObject({ from: 16_000, to: 19_200 });
  });

  it('never scales at ad level', () => {
    expect(run(aboAccount().window('111', WINNER).build()).filter((r) => r.rule === 'scale_winner')).toEqual(
      [],
    );
  });
});

describe('budgets in minor units', () => {
  it('steps USD budgets in cents, never past the percentage', () => {
    const snapshot = new SnapshotBuilder()
      .campaign('1')
      .adset('11', '1', { dailyBudget: 999 })
      .window('11', WINNER)
      .build();
    // 20 % of $9.99 is 199.8 cents: the step is 199, never 200.
    expect(find(run(snapshot), 'scale_winner', '11')!.action).toMatchObject({ from: 999, to: 1_198 });
  });

  it('steps JPY budgets in whole yen: ¥5,000 → ¥6,000 and ¥5,000 → ¥4,000', () => {
    const jpy = config({ targetCpaMinor: 1_200 }); // ¥1,200
    const winner = new SnapshotBuilder()
      .account({ currency: 'JPY', timezone: 'Asia/Tokyo', minDailyBudget: 100 })
      .campaign('1')
      .adset('11', '1', { dailyBudget: 5_000 })
      .window('11', { spend: 6_837, purchases: 10, purchaseValue: 23_763 })
      .build();
    const rec = find(run(winner, jpy), 'scale_winner', '11')!;
    expect(rec.action).toMatchObject({ from: 5_000, to: 6_000 });
    expect(rec.evidence.sentence).toBe(
      'CPA ¥684 (90 %: ¥444–¥1,099) on 10 purchases vs target ¥1,200; ROAS 3.48 vs target 1.80',
    );
    const loser = new SnapshotBuilder()
      .account({ currency: 'JPY', timezone: 'Asia/Tokyo' })
      .campaign('1')
      .adset('11', '1', { dailyBudget: 5_000 })
      .window('11', { spend: 11_290, purchases: 7, purchaseValue: 8_130 })
      .build();
    expect(find(run(loser, jpy), 'low_roas', '11')!.action).toMatchObject({ from: 5_000, to: 4_000 });
  });
});
