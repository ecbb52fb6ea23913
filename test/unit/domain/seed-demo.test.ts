import { describe, expect, it } from 'vitest';
import { toPlanJson, toRunNowJson } from '../../../src/domain/contract.js';
import { buildPlan } from '../../../src/domain/planner.js';
import { recommend } from '../../../src/domain/recommend.js';
import { demoSnapshot } from '../../support/demo-snapshot.js';
import { config } from './builders.js';

// The workflow transcript: target CPA $120, ROAS 1.8, last 7 days. It reports "Top recs: 2 high,
// 3 medium" and "Planned actions: 4, Requires approval: 3"; the rules below give 2 high, 3 medium and
// 1 low, and 3 planned actions (all needing approval) plus 1 blocked: the pause of ad 111 is absorbed
// by the pause of its ad set 11.
const snapshot = demoSnapshot();
const c = config();
const recs = recommend({ snapshot, config: c });
const plan = buildPlan({ snapshot, recommendations: recs, config: c });

describe('seed-demo account', () => {
  it('adds up to the transcript: $2,843.19, 19 purchases, CPA $149.64, ROAS 1.21', () => {
    const run = toRunNowJson('run_demo', snapshot, recs).run;
    expect(run).toEqual({
      id: 'run_demo',
      window: { since: '2026-11-13', until: '2026-11-19' },
      currency: 'USD',
      summary: { spend: 284_319, purchases: 19, cpa: 14_964, roas: 1.21 },
    });
  });

  it('finds 2 high, 3 medium and 1 low recommendation, most severe first', () => {
    expect(
      recs.map((r) => [
        r.severity,
        r.rule,
        r.level,
        r.entityId,
        r.action && [r.action.type, r.action.from, r.action.to],
      ]),
    ).toEqual([
      ['high', 'high_cpa', 'adset', '11', ['set_status', 'ACTIVE', 'PAUSED']],
      ['high', 'zero_conversions', 'ad', '111', ['set_status', 'ACTIVE', 'PAUSED']],
      ['medium', 'low_roas', 'campaign', '13', ['update_daily_budget', 16_000, 12_800]],
      ['medium', 'scale_winner', 'adset', '12', ['update_daily_budget', 10_000, 12_000]],
      ['medium', 'high_frequency', 'adset', '14', null],
      ['low', 'low_ctr', 'ad', '131', null],
    ]);
  });

  it('explains each recommendation in one line with its numbers and bounds', () => {
    expect(recs.map((r) => r.evidence.sentence)).toEqual([
      'CPA $515 (90 %: $194–$1,938) on 2 purchases vs target $120',
      'No purchases on $410 spend (90 %: CPA at least $178) vs target $120',
      'ROAS 0.72 on $1,129 spend and 7 purchases vs target 1.80 (acts below 1.35)',
      'CPA $68 (90 %: $44–$110) on 10 purchases vs target $120; ROAS 3.48 vs target 1.80',
      'Frequency 12.5 over 2026-11-13–2026-11-19 (45,221 impressions on 3,616 people) vs limit 4.0: audience fatigue, refresh creative or widen the audience',
      'CTR 0.40 % on 16,722 impressions vs floor 0.50 %: refresh the creative',
    ]);
  });

  it("folds ad set 11's low ROAS into its pause instead of also cutting its budget", () => {
    expect(recs[0]!.evidence.alsoTriggered).toEqual(['low_roas']);
    expect(recs.filter((r) => r.entityId === '11')).toHaveLength(1);
  });

  it('leaves the learning ad set 15 alone', () => {
    expect(recs.some((r) => r.entityId === '15' || r.entityId === '140')).toBe(false);
  });

  it('plans 3 actions, all needing approval, and reports the fourth as absorbed by the ad set pause', () => {
    expect(toPlanJson(plan, 'plan_demo')).toEqual({
      plan: {
        id: 'plan_demo',
        actions: [
          {
            key: 'A1',
            type: 'set_status',
            level: 'adset',
            entity_id: '11',
            from: 'ACTIVE',
            to: 'PAUSED',
            requires_approval: true,
            status: 'proposed',
          },
          {
            key: 'A2',
            type: 'update_daily_budget',
            level: 'campaign',
            entity_id: '13',
            from: 16_000,
            to: 12_800,
            requires_approval: true,
            status: 'proposed',
          },
          {
            key: 'A3',
            type: 'update_daily_budget',
            level: 'adset',
            entity_id: '12',
            from: 10_000,
            to: 12_000,
            requires_approval: true,
            status: 'proposed',
          },
        ],
      },
    });
    expect(plan.blocked.map((b) => [b.recommendationId, b.events.at(-1)!.guardrail])).toEqual([
      ['rec_zero_conversions_111', 'parent_paused'],
    ]);
  });
});
