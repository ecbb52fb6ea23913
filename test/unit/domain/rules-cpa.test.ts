import { describe, expect, it } from 'vitest';
import { poissonBounds } from '../../../src/domain/evidence.js';
import { recommend } from '../../../src/domain/recommend.js';
import type { Recommendation, RuleId } from '../../../src/domain/recommendation.js';
import type { Snapshot } from '../../../src/domain/snapshot.js';
import { aboAccount, cboAccount, config } from './builders.js';

const run = (snapshot: Snapshot, c = config()) => recommend({ snapshot, config: c });
/** Thresholds of the rules themselves are tested on matured data (late conversions: maturity.test.ts). */
const matured = config({ conversionLag: [{ hours: 0, reported: 1 }] });
const find = (recs: Recommendation[], rule: RuleId, entityId: string) =>
  recs.find((r) => r.rule === rule && r.entityId === entityId);

describe('high_cpa', () => {
  it('pauses an ad set whose CPA is confidently above target and ≥ 1.5 × target (high)', () => {
    const recs = run(aboAccount().window('11', { spend: 103_050, purchases: 2 }).build());
    const rec = find(recs, 'high_cpa', '11')!;
    expect(rec.severity).toBe('high');
    expect(rec.action).toEqual({
      type: 'set_status',
      level: 'adset',
      entityId: '11',
      from: 'ACTIVE',
      to: 'PAUSED',
    });
    expect(rec.evidence.bounds).toMatchObject({ confidence: 0.9, cpaLow: 19_362 });
  });

  it('cuts the budget 20 % when confidently worse but under 1.5 × target (medium)', () => {
    // 50 purchases at $160: the low bound is $132.58 > $120, but $160 < $180.
    const recs = run(aboAccount().window('11', { spend: 800_000, purchases: 50 }).build());
    const rec = find(recs, 'high_cpa', '11')!;
    expect(rec.severity).toBe('medium');
    expect(rec.action).toEqual({
      type: 'update_daily_budget',
      level: 'adset',
      entityId: '11',
      from: 10_000,
      to: 8_000,
    });
  });

  it('puts the 1.5 × boundary in the high band', () => {
    const at = run(aboAccount().window('11', { spend: 360_000, purchases: 20 }).build(), matured);
    const below = run(aboAccount().window('11', { spend: 359_999, purchases: 20 }).build(), matured);
    expect(find(at, 'high_cpa', '11')!.severity).toBe('high');
    expect(find(below, 'high_cpa', '11')!.severity).toBe('medium');
  });

  it('fires only when the lower bound is strictly above target', () => {
    const lambdaUp = poissonBounds(3, 0.9).upper;
    const edge = Math.floor(12_000 * lambdaUp);
    expect(
      find(run(aboAccount().window('11', { spend: edge, purchases: 3 }).build()), 'high_cpa', '11'),
    ).toBeUndefined();
    expect(
      find(
        run(
          aboAccount()
            .window('11', { spend: edge + 1, purchases: 3 })
            .build(),
        ),
        'high_cpa',
        '11',
      ),
    ).toBeDefined();
  });

  it('never acts on a bad observed CPA the data cannot prove: $310 on 2 purchases stays silent', () => {
    const recs = run(aboAccount().window('11', { spend: 62_040, purchases: 2 }).build());
    expect(find(recs, 'high_cpa', '11')).toBeUndefined();
  });

  it('only alerts on a medium ad (ads hold no budget)', () => {
    const recs = run(aboAccount().window('111', { spend: 800_000, purchases: 50 }).build());
    const rec = find(recs, 'high_cpa', '111')!;
    expect(rec.severity).toBe('medium');
    expect(rec.action).toBeNull();
  });

  it('never cuts an ad set budget inside a campaign budget: the cut goes to the campaign, judged on its own figures', () => {
    const recs = run(
      cboAccount()
        .window('21', { spend: 800_000, purchases: 50 })
        .window('2', { spend: 800_000, purchases: 50 })
        .build(),
    );
    expect(find(recs, 'high_cpa', '21')!.action).toBeNull();
    expect(find(recs, 'high_cpa', '2')!.action).toEqual({
      type: 'update_daily_budget',
      level: 'campaign',
      entityId: '2',
      from: 16_000,
      to: 12_800,
    });
  });

  it('stays silent without a target CPA', () => {
    const recs = run(
      aboAccount().window('11', { spend: 103_050, purchases: 2 }).build(),
      config({ targetCpaMinor: null }),
    );
    expect(recs).toEqual([]);
  });

  it('leaves a parent to be judged on its delivering children: a paused bad ad is not held against its ad set', () => {
    const snapshot = aboAccount()
      .ad('112', '11', { status: 'PAUSED', effectiveStatus: 'PAUSED' })
      .window('11', { spend: 103_050, purchases: 2 })
      .window('111', { spend: 62_040, purchases: 2 })
      .window('112', { spend: 41_010, purchases: 0 })
      .build();
    const recs = run(snapshot);
    expect(find(recs, 'high_cpa', '11')).toBeUndefined();
    expect(find(recs, 'zero_conversions', '112')).toBeUndefined();
  });

  it('reports the paused children it left out', () => {
    const snapshot = aboAccount()
      .ad('112', '11', { status: 'PAUSED', effectiveStatus: 'PAUSED' })
      .window('11', { spend: 203_050, purchases: 2 })
      .window('112', { spend: 10_000, purchases: 0 })
      .build();
    const rec = find(run(snapshot), 'high_cpa', '11')!;
    expect(rec.evidence.excluded).toEqual({ entities: 1, spend: 10_000, purchases: 0, purchaseValue: 0 });
    expect(rec.evidence.metrics.spend).toBe(193_050);
    expect(rec.evidence.sentence).toContain('excludes $100 spent by 1 paused child');
  });
});

describe('zero_conversions', () => {
  it('pauses on spend above 2.30 × target CPA with no purchases (high)', () => {
    const recs = run(aboAccount().window('111', { spend: 27_632 }).build(), matured);
    const rec = find(recs, 'zero_conversions', '111')!;
    expect(rec.severity).toBe('high');
    expect(rec.action).toMatchObject({ type: 'set_status', level: 'ad', to: 'PAUSED' });
    expect(rec.evidence.thresholds.spendTargetCpaMultiple?.toFixed(2)).toBe('2.30');
  });

  it('waits below the line: $276.31 spent without a purchase is not yet evidence', () => {
    expect(
      find(run(aboAccount().window('111', { spend: 27_631 }).build()), 'zero_conversions', '111'),
    ).toBeUndefined();
  });

  it('applies at every level, each on its own figures', () => {
    const recs = run(
      aboAccount()
        .window('1', { spend: 50_000 })
        .window('11', { spend: 50_000 })
        .window('111', { spend: 50_000 })
        .build(),
    );
    expect(recs.filter((r) => r.rule === 'zero_conversions').map((r) => r.level)).toEqual([
      'campaign',
      'adset',
      'ad',
    ]);
  });

  it('demands more spend at a higher confidence level (95 %: 3.00 × target)', () => {
    const c = config({ confidenceLevel: 0.95 });
    expect(
      find(run(aboAccount().window('111', { spend: 35_000 }).build(), c), 'zero_conversions', '111'),
    ).toBeUndefined();
    expect(
      find(run(aboAccount().window('111', { spend: 36_000 }).build(), c), 'zero_conversions', '111'),
    ).toBeDefined();
  });

  it('never fires once there is a purchase (high_cpa takes over)', () => {
    const recs = run(aboAccount().window('111', { spend: 100_000, purchases: 1 }).build());
    expect(find(recs, 'zero_conversions', '111')).toBeUndefined();
    expect(find(recs, 'high_cpa', '111')).toBeDefined();
  });

  it('never pauses an ad that is already paused or under a paused parent', () => {
    const paused = aboAccount().window('111', { spend: 50_000 }).build();
    paused.entities = paused.entities.map((e) =>
      e.id === '111' ? { ...e, status: 'PAUSED', effectiveStatus: 'PAUSED' } : e,
    );
    expect(run(paused)).toEqual([]);
    const underPaused = aboAccount().window('111', { spend: 50_000 }).build();
    underPaused.entities = underPaused.entities.map((e) =>
      e.id === '1' ? { ...e, status: 'PAUSED', effectiveStatus: 'PAUSED' } : e,
    );
    expect(run(underPaused)).toEqual([]);
  });
});
