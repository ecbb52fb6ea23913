import { describe, expect, it } from 'vitest';
import type { AgentConfigInput } from '../../../src/domain/agent-config.js';
import { buildPlan, requiresApproval } from '../../../src/domain/planner.js';
import { recommend } from '../../../src/domain/recommend.js';
import type { Snapshot } from '../../../src/domain/snapshot.js';
import { config, NOW, SnapshotBuilder } from './builders.js';

const WINNER = { spend: 68_370, purchases: 10, purchaseValue: 237_626 };
const LOSER = { spend: 112_899, purchases: 7, purchaseValue: 81_300 };

function threeAdSets(): Snapshot {
  return new SnapshotBuilder()
    .campaign('1')
    .adset('11', '1')
    .adset('12', '1')
    .adset('13', '1')
    .window('11', WINNER)
    .window('12', { spend: 50_000 })
    .window('13', LOSER)
    .build();
}

function plan(overrides: AgentConfigInput = {}) {
  const snapshot = threeAdSets();
  const c = config(overrides);
  return buildPlan({ snapshot, recommendations: recommend({ snapshot, config: c }), config: c });
}

describe('planner', () => {
  it('keys actions A1, A2, … in priority order, each with its recommendation and evidence', () => {
    const p = plan();
    expect(p.actions.map((a) => [a.key, a.rule, a.entityId, a.from, a.to])).toEqual([
      ['A1', 'zero_conversions', '12', 'ACTIVE', 'PAUSED'],
      ['A2', 'low_roas', '13', 10_000, 8_000],
      ['A3', 'scale_winner', '11', 10_000, 12_000],
    ]);
    expect(p.actions[0]).toMatchObject({
      recommendationId: 'rec_zero_conversions_12',
      entityName: 'adset 12',
      status: 'proposed',
      severity: 'high',
      evidence: { sentence: 'No purchases on $500 spend (90 %: CPA at least $217) vs target $120' },
    });
  });

  it('needs approval for every write by default', () => {
    expect(plan().actions.every((a) => a.requiresApproval)).toBe(true);
  });

  it('lets a policy waive approval for small budget decreases only', () => {
    const p = plan({ guardrails: { approvalWaiverMaxDecreasePct: 20 } });
    expect(p.actions.map((a) => [a.key, a.requiresApproval])).toEqual([
      ['A1', true],
      ['A2', false],
      ['A3', true],
    ]);
    expect(plan({ guardrails: { approvalWaiverMaxDecreasePct: 19 } }).actions[1]!.requiresApproval).toBe(
      true,
    );
  });

  it('waives by the percent actually cut', () => {
    const c = config({ guardrails: { approvalWaiverMaxDecreasePct: 10 } });
    const cut = (to: number) =>
      requiresApproval({ type: 'update_daily_budget', level: 'adset', entityId: '1', from: 10_000, to }, c);
    expect(cut(9_000)).toBe(false);
    expect(cut(8_999)).toBe(true);
  });

  it('dates the plan and lets it expire after planTtlHours', () => {
    const p = plan({ planTtlHours: 6 });
    expect(p.createdAt).toBe(new Date(NOW).toISOString());
    expect(p.expiresAt).toBe('2026-11-20T21:00:00.000Z');
  });

  it('ignores recommendations without an action', () => {
    const snapshot = new SnapshotBuilder()
      .campaign('1')
      .adset('11', '1')
      .window('11', { impressions: 9_000, reach: 1_000 })
      .build();
    const recs = recommend({ snapshot, config: config() });
    expect(recs).toHaveLength(1);
    expect(buildPlan({ snapshot, recommendations: recs, config: config() })).toMatchObject({
      actions: [],
      blocked: [],
      guardrailEvents: [],
    });
  });
});
