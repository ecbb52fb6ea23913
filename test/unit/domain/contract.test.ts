import { describe, expect, it } from 'vitest';
import {
  snakeKeys,
  toGuardrailEventJson,
  toPlanActionJson,
  toRecommendationJson,
  toRunNowJson,
} from '../../../src/domain/contract.js';
import { buildPlan } from '../../../src/domain/planner.js';
import { recommend } from '../../../src/domain/recommend.js';
import { demoSnapshot } from '../../support/demo-snapshot.js';
import { config } from './builders.js';

const snapshot = demoSnapshot();
const recs = recommend({ snapshot, config: config() });

describe('contract JSON', () => {
  it('maps a recommendation to exactly the contract keys', () => {
    const json = toRecommendationJson(recs[0]!);
    expect(Object.keys(json)).toEqual([
      'id',
      'rule',
      'severity',
      'level',
      'entity_id',
      'entity_name',
      'action',
      'evidence',
    ]);
    expect(json).toMatchObject({
      id: 'rec_high_cpa_11',
      rule: 'high_cpa',
      severity: 'high',
      level: 'adset',
      entity_id: '11',
      entity_name: 'Broad US 25-54',
      action: { type: 'set_status', level: 'adset', entity_id: '11', from: 'ACTIVE', to: 'PAUSED' },
    });
    expect(Object.keys(json.action!)).toEqual(['type', 'level', 'entity_id', 'from', 'to']);
  });

  it('writes evidence in snake_case with money in minor units', () => {
    const evidence = toRecommendationJson(recs[0]!).evidence;
    expect(evidence).toMatchObject({
      sentence: 'CPA $515 (90 %: $194–$1,938) on 2 purchases vs target $120',
      currency: 'USD',
      target_cpa: 12_000,
      target_roas: 1.8,
      metrics: { spend: 103_050, purchases: 2, purchase_value: 25_100, cpa: 51_525 },
      bounds: { confidence: 0.9, cpa_low: 19_362, cpa_high: 193_772 },
      also_triggered: ['low_roas'],
      suppressed_by: null,
    });
    expect(JSON.stringify(evidence)).not.toMatch(/"[a-z]+[A-Z]/);
  });

  it('gives an alert a null action', () => {
    expect(toRecommendationJson(recs.find((r) => r.rule === 'low_ctr')!).action).toBeNull();
  });

  it('maps a plan action to exactly the contract keys', () => {
    const plan = buildPlan({ snapshot, recommendations: recs, config: config() });
    const json = toPlanActionJson(plan.actions[1]!);
    expect(json).toEqual({
      key: 'A2',
      type: 'update_daily_budget',
      level: 'campaign',
      entity_id: '13',
      from: 16_000,
      to: 12_800,
      requires_approval: true,
      status: 'proposed',
    });
    expect(toGuardrailEventJson(plan.guardrailEvents[0]!)).toEqual({
      guardrail: 'parent_paused',
      outcome: 'blocked',
      entity_id: '111',
      recommendation_id: 'rec_zero_conversions_111',
      trimmed_to: null,
      detail: 'adset 11 ("Broad US 25-54") is paused by this plan',
    });
  });

  it('survives JSON serialisation unchanged (no undefined, NaN or Infinity)', () => {
    const json = toRunNowJson('run_1', snapshot, recs);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('converts nested keys and leaves values alone', () => {
    expect(
      snakeKeys({ alsoTriggered: ['low_roas'], spike: { baselineMedian: 1, baseline: [{ date: 'x' }] } }),
    ).toEqual({
      also_triggered: ['low_roas'],
      spike: { baseline_median: 1, baseline: [{ date: 'x' }] },
    });
  });
});
