import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../src/domain/planner.js';
import { recommend } from '../../../src/domain/recommend.js';
import { pausedByUs } from '../../../src/domain/revive.js';
import { aboAccount, config } from './builders.js';

const PAUSED_AT = '2026-11-18T14:00:00Z';
const pausedAdset = (purchases: number, overrides = {}) =>
  aboAccount()
    .adset('12', '1', { status: 'PAUSED', effectiveStatus: 'PAUSED', ...overrides })
    .window('12', { spend: 120_000, purchases, purchaseValue: purchases * 25_000 })
    .build();
const us = [{ entityId: '12', level: 'adset' as const, at: PAUSED_AT }];

describe('revive', () => {
  it('proposes re-activating an ad set MetaBuyer paused once its CPA is under target, with its evidence', () => {
    const recs = recommend({ snapshot: pausedAdset(11), config: config(), pausedByUs: us });
    const rec = recs.find((r) => r.rule === 'revive')!;
    expect(rec).toMatchObject({ id: 'rec_revive_12', severity: 'medium', level: 'adset', entityId: '12' });
    expect(rec.action).toEqual({
      type: 'set_status',
      level: 'adset',
      entityId: '12',
      from: 'PAUSED',
      to: 'ACTIVE',
    });
    expect(rec.evidence.sentence).toMatch(
      /^Paused by MetaBuyer on 2026-11-18; its figures now meet the target: CPA \$109 on 11 purchases vs target \$120/,
    );
    expect(rec.evidence.pausedAt).toBe(PAUSED_AT);
    expect(rec.evidence.maturity).not.toBeNull();
  });

  it('goes through the planner like any action, needing approval', () => {
    const snapshot = pausedAdset(11);
    const c = config();
    const recommendations = recommend({ snapshot, config: c, pausedByUs: us });
    const plan = buildPlan({ snapshot, recommendations, config: c });
    expect(plan.actions).toMatchObject([
      { type: 'set_status', entityId: '12', to: 'ACTIVE', requiresApproval: true },
    ]);
  });

  it('leaves alone a paused ad set still above target, one paused by someone else, or one re-activated since', () => {
    expect(recommend({ snapshot: pausedAdset(9), config: config(), pausedByUs: us })).toEqual([]);
    expect(recommend({ snapshot: pausedAdset(11), config: config() })).toEqual([]);
    const active = aboAccount()
      .adset('12', '1')
      .window('12', { spend: 120_000, purchases: 11, purchaseValue: 275_000 })
      .build();
    expect(
      recommend({ snapshot: active, config: config(), pausedByUs: us }).some((r) => r.rule === 'revive'),
    ).toBe(false);
  });

  it('counts only pauses not undone since, from the action log', () => {
    const w = (entityId: string, to: string, at: string) => ({
      entityId,
      level: 'adset' as const,
      type: 'set_status' as const,
      from: to === 'PAUSED' ? 'ACTIVE' : 'PAUSED',
      to,
      at,
    });
    expect(
      pausedByUs([
        w('12', 'PAUSED', PAUSED_AT),
        w('13', 'PAUSED', PAUSED_AT),
        w('13', 'ACTIVE', '2026-11-19T10:00:00Z'),
        { entityId: '14', level: 'adset', type: 'update_daily_budget', from: 100, to: 80, at: PAUSED_AT },
      ]),
    ).toEqual([{ entityId: '12', level: 'adset', at: PAUSED_AT }]);
  });
});

describe('shadow mode', () => {
  const bad = () => aboAccount().window('11', { spend: 103_050, purchases: 2 }).build();

  it('a rule in shadow still recommends, with the action it would have proposed, and plans nothing', () => {
    const c = config({ shadow: { rules: ['high_cpa'] } });
    const recs = recommend({ snapshot: bad(), config: c });
    const rec = recs.find((r) => r.rule === 'high_cpa' && r.entityId === '11')!;
    expect(rec.action).toBeNull();
    expect(rec.evidence.shadow).toMatchObject({
      reason: 'set to shadow by the agent',
      wouldBe: { to: 'PAUSED' },
    });
    expect(rec.evidence.sentence).toContain('shadow mode');
    expect(
      buildPlan({ snapshot: bad(), recommendations: recs, config: c }).actions.some(
        (a) => a.rule === 'high_cpa',
      ),
    ).toBe(false);
  });

  it('keeps a rule requiring a minimum precision in shadow until its measured interval clears it', () => {
    const c = config({ shadow: { minPrecision: { high_cpa: 0.7 } } });
    const unmeasured = recommend({ snapshot: bad(), config: c }).find((r) => r.rule === 'high_cpa')!;
    expect(unmeasured.evidence.shadow?.reason).toContain('not measured yet');
    const weak = { verdicts: 10, confirmed: 8, precision: 0.8, low: 0.49, high: 0.94 };
    expect(
      recommend({ snapshot: bad(), config: c, precision: { high_cpa: weak } }).find(
        (r) => r.rule === 'high_cpa',
      )!.action,
    ).toBeNull();
    const strong = { verdicts: 60, confirmed: 57, precision: 0.95, low: 0.86, high: 0.98 };
    expect(
      recommend({ snapshot: bad(), config: c, precision: { high_cpa: strong } }).find(
        (r) => r.rule === 'high_cpa',
      )!.action,
    ).toMatchObject({ to: 'PAUSED' });
  });
});
