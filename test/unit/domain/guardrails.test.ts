import { describe, expect, it } from 'vitest';
import type { AgentConfigInput } from '../../../src/domain/agent-config.js';
import { checkActionAgainstGuardrails } from '../../../src/domain/guardrails.js';
import type { AppliedAction } from '../../../src/domain/history.js';
import { buildPlan } from '../../../src/domain/planner.js';
import { recommend } from '../../../src/domain/recommend.js';
import type { ActionSpec } from '../../../src/domain/recommendation.js';
import type { Snapshot } from '../../../src/domain/snapshot.js';
import { aboAccount, config, NOW, SnapshotBuilder } from './builders.js';

const hoursAgo = (h: number) => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();
const WINNER = { spend: 68_370, purchases: 10, purchaseValue: 237_626 };
const LOSER = { spend: 112_899, purchases: 7, purchaseValue: 81_300 };
const NO_SALES = { spend: 50_000 };

function plan(snapshot: Snapshot, overrides: AgentConfigInput = {}, history: AppliedAction[] = []) {
  const c = config(overrides);
  return buildPlan({
    snapshot,
    recommendations: recommend({ snapshot, config: c, history }),
    config: c,
    history,
  });
}

const pause = (entityId: string, level: ActionSpec['level'] = 'adset'): ActionSpec => ({
  type: 'set_status',
  level,
  entityId,
  from: 'ACTIVE',
  to: 'PAUSED',
});
const budget = (entityId: string, from: number, to: number): ActionSpec => ({
  type: 'update_daily_budget',
  level: 'adset',
  entityId,
  from,
  to,
});

describe('protected entities', () => {
  it('never touches an entity protected by id, and says so', () => {
    const p = plan(aboAccount().window('11', LOSER).build(), { guardrails: { protectedEntityIds: ['11'] } });
    expect(p.actions).toEqual([]);
    expect(p.guardrailEvents).toEqual([
      expect.objectContaining({
        guardrail: 'protected_entity',
        outcome: 'blocked',
        entityId: '11',
        recommendationId: 'rec_low_roas_11',
      }),
    ]);
  });

  it('matches name patterns case-insensitively, as whole-name globs', () => {
    const snapshot = new SnapshotBuilder()
      .campaign('1')
      .adset('11', '1', { name: 'BRAND - Search Retarget' })
      .window('11', LOSER)
      .build();
    expect(plan(snapshot, { guardrails: { protectedNamePatterns: ['*brand*'] } }).actions).toEqual([]);
    expect(plan(snapshot, { guardrails: { protectedNamePatterns: ['brand'] } }).actions).toHaveLength(1);
  });

  it('protects a whole family: the children of a protected campaign and the parents of a protected ad', () => {
    const underProtected = plan(aboAccount().window('11', LOSER).build(), {
      guardrails: { protectedEntityIds: ['1'] },
    });
    expect(underProtected.actions).toEqual([]);
    expect(underProtected.guardrailEvents[0]!.detail).toContain('protected campaign 1');

    const aboveProtected = plan(aboAccount().window('11', NO_SALES).build(), {
      guardrails: { protectedEntityIds: ['111'] },
    });
    expect(aboveProtected.actions).toEqual([]);
    expect(aboveProtected.guardrailEvents[0]).toMatchObject({
      guardrail: 'protected_entity',
      entityId: '11',
    });
  });
});

describe('per-entity cooldown', () => {
  const wrote = (h: number): AppliedAction[] => [
    {
      entityId: '11',
      level: 'adset',
      type: 'update_daily_budget',
      from: 12_000,
      to: 10_000,
      at: hoursAgo(h),
    },
  ];

  it('blocks a second write to the same entity within 24 h', () => {
    const p = plan(aboAccount().window('11', LOSER).build(), {}, wrote(10));
    expect(p.actions).toEqual([]);
    expect(p.guardrailEvents).toEqual([
      expect.objectContaining({ guardrail: 'entity_cooldown', outcome: 'blocked' }),
    ]);
    expect(p.guardrailEvents[0]!.detail).toBe('last write 10 h ago; cooldown is 24 h');
  });

  it('allows it after the cooldown', () => {
    expect(plan(aboAccount().window('11', LOSER).build(), {}, wrote(25)).actions).toHaveLength(1);
  });
});

describe("Meta's budget-change limit", () => {
  const changes = (n: number): AppliedAction[] =>
    Array.from({ length: n }, (_, i) => ({
      entityId: '11',
      level: 'adset' as const,
      type: 'update_daily_budget' as const,
      from: 10_000 + i,
      to: 10_001 + i,
      at: hoursAgo(0.2 + i * 0.1),
    }));

  it('never makes a fifth budget change to an ad set within an hour', () => {
    const c = config({ guardrails: { entityCooldownHours: 0 } });
    const v = checkActionAgainstGuardrails(
      budget('11', 10_004, 8_004),
      aboAccountLive(10_004),
      changes(4),
      c,
      NOW,
    );
    expect(v.outcome).toBe('blocked');
    expect(v.events[0]).toMatchObject({
      guardrail: 'budget_rate_limit',
      detail: '4 budget changes in the last hour; Meta allows 4',
    });
    expect(
      checkActionAgainstGuardrails(budget('11', 10_004, 8_004), aboAccountLive(10_004), changes(3), c, NOW)
        .outcome,
    ).toBe('allowed');
  });
});

function aboAccountLive(adsetBudget: number) {
  return new SnapshotBuilder()
    .campaign('1')
    .adset('11', '1', { dailyBudget: adsetBudget })
    .ad('111', '11')
    .build();
}

describe('budget size guardrails', () => {
  it('trims a change to the maximum percent and reports the trim', () => {
    const p = plan(aboAccount().window('11', LOSER).build(), { guardrails: { maxBudgetChangePct: 10 } });
    expect(p.actions[0]).toMatchObject({ key: 'A1', from: 10_000, to: 9_000, proposed: { to: 8_000 } });
    expect(p.actions[0]!.trims).toEqual([
      expect.objectContaining({
        guardrail: 'max_budget_change',
        outcome: 'trimmed',
        trimmedTo: 9_000,
        detail: 'change limited to 10 %: $80.00 → $90.00',
      }),
    ]);
    expect(p.guardrailEvents).toEqual(p.actions[0]!.trims);
  });

  it('blocks a change that the maximum percent rounds to nothing', () => {
    const v = checkActionAgainstGuardrails(budget('11', 4, 3), aboAccountLive(4), [], config(), NOW);
    expect(v.events).toEqual([
      expect.objectContaining({ guardrail: 'max_budget_change', outcome: 'blocked' }),
    ]);
  });

  it("never cuts below the account's minimum daily budget", () => {
    const snapshot = aboAccount().account({ minDailyBudget: 9_000 }).window('11', LOSER).build();
    const p = plan(snapshot);
    expect(p.actions[0]).toMatchObject({ from: 10_000, to: 9_000 });
    expect(p.actions[0]!.trims[0]).toMatchObject({ guardrail: 'budget_floor', trimmedTo: 9_000 });
  });

  it('blocks a cut when the budget already sits on the floor (configured floor included)', () => {
    const p = plan(aboAccount().window('11', LOSER).build(), { guardrails: { budgetFloorMinor: 10_000 } });
    expect(p.actions).toEqual([]);
    expect(p.blocked[0]!.events.at(-1)).toMatchObject({ guardrail: 'budget_floor', outcome: 'blocked' });
  });

  it('never raises above the ceiling: trims to it, or blocks when already there', () => {
    const trimmed = plan(aboAccount().window('11', WINNER).build(), {
      guardrails: { budgetCeilingMinor: 11_000 },
    });
    expect(trimmed.actions[0]).toMatchObject({ from: 10_000, to: 11_000 });
    expect(trimmed.actions[0]!.trims[0]).toMatchObject({ guardrail: 'budget_ceiling', trimmedTo: 11_000 });
    const atCeiling = plan(aboAccount().window('11', WINNER).build(), {
      guardrails: { budgetCeilingMinor: 10_000 },
    });
    expect(atCeiling.actions).toEqual([]);
    expect(atCeiling.guardrailEvents[0]).toMatchObject({ guardrail: 'budget_ceiling', outcome: 'blocked' });
  });

  it('formats JPY amounts in guardrail reports without decimals', () => {
    const snapshot = new SnapshotBuilder()
      .account({ currency: 'JPY', minDailyBudget: 4_500 })
      .campaign('1')
      .adset('11', '1', { dailyBudget: 5_000 })
      .window('11', { spend: 11_290, purchases: 7, purchaseValue: 8_130 })
      .build();
    const p = plan(snapshot, { targetCpaMinor: 1_200 });
    expect(p.actions[0]).toMatchObject({ from: 5_000, to: 4_500 });
    expect(p.actions[0]!.trims[0]!.detail).toBe('floor ¥4,500: ¥4,000 → ¥4,500');
  });
});

describe('plan-level guardrails', () => {
  it('never acts under a parent that the plan pauses', () => {
    const snapshot = aboAccount()
      .window('11', { spend: 103_050, purchases: 2 })
      .window('111', NO_SALES)
      .build();
    const p = plan(snapshot);
    expect(p.actions.map((a) => [a.key, a.entityId, a.type])).toEqual([['A1', '11', 'set_status']]);
    expect(p.blocked).toEqual([
      expect.objectContaining({
        recommendationId: 'rec_zero_conversions_111',
        events: [
          expect.objectContaining({
            guardrail: 'parent_paused',
            detail: 'adset 11 ("adset 11") is paused by this plan',
          }),
        ],
      }),
    ]);
  });

  it('keeps one action per entity, and a pause wins over a budget change', () => {
    const snapshot = aboAccount().build();
    const base = recommend({ snapshot: aboAccount().window('11', LOSER).build(), config: config() })[0]!;
    const cut = { ...base, id: 'rec_low_roas_11', action: budget('11', 10_000, 8_000) };
    const stop = {
      ...base,
      id: 'rec_high_cpa_11',
      rule: 'high_cpa' as const,
      severity: 'medium' as const,
      action: pause('11'),
    };
    const p = buildPlan({ snapshot, recommendations: [cut, stop], config: config() });
    expect(p.actions.map((a) => a.type)).toEqual(['set_status']);
    expect(p.guardrailEvents).toEqual([
      expect.objectContaining({ guardrail: 'one_action_per_entity', recommendationId: 'rec_low_roas_11' }),
    ]);
  });

  it('caps the actions per plan, keeping the most severe, and reports the rest', () => {
    const snapshot = new SnapshotBuilder()
      .campaign('1')
      .adset('11', '1')
      .adset('12', '1')
      .adset('13', '1')
      .window('11', WINNER)
      .window('12', NO_SALES)
      .window('13', LOSER)
      .build();
    const p = plan(snapshot, { guardrails: { maxActionsPerPlan: 1 } });
    expect(p.actions.map((a) => [a.key, a.rule])).toEqual([['A1', 'zero_conversions']]);
    expect(p.guardrailEvents.map((e) => [e.guardrail, e.entityId])).toEqual([
      ['max_actions_per_plan', '13'],
      ['max_actions_per_plan', '11'],
    ]);
  });
});

describe('re-check at execution time', () => {
  const live = (mutate: (s: Snapshot) => void = () => {}) => {
    const s = aboAccountLive(10_000);
    mutate(s);
    return s;
  };

  it('allows an action whose object still holds the planned value', () => {
    const v = checkActionAgainstGuardrails(
      budget('11', 10_000, 8_000),
      live(),
      [],
      config(),
      NOW,
      'rec_low_roas_11',
    );
    expect(v).toEqual({ outcome: 'allowed', action: budget('11', 10_000, 8_000), events: [] });
  });

  it('refuses when someone changed the object since the plan (drift)', () => {
    const paused = live((s) => {
      s.entities[1] = { ...s.entities[1]!, status: 'PAUSED', effectiveStatus: 'PAUSED' };
    });
    expect(checkActionAgainstGuardrails(pause('11'), paused, [], config(), NOW).events[0]).toMatchObject({
      guardrail: 'live_state_drift',
      detail: 'status is PAUSED now, the plan expected ACTIVE',
    });
    const rebudgeted = aboAccountLive(9_000);
    expect(
      checkActionAgainstGuardrails(budget('11', 10_000, 8_000), rebudgeted, [], config(), NOW).events[0],
    ).toMatchObject({
      guardrail: 'live_state_drift',
      detail: 'daily budget is 9000 now, the plan expected 10000',
    });
  });

  it('refuses an action on an object that stopped delivering (its campaign was paused)', () => {
    const v = checkActionAgainstGuardrails(
      pause('111', 'ad'),
      live((s) => {
        s.entities[0] = { ...s.entities[0]!, status: 'PAUSED', effectiveStatus: 'PAUSED' };
      }),
      [],
      config(),
      NOW,
    );
    expect(v.events[0]).toMatchObject({ guardrail: 'not_delivering', outcome: 'blocked' });
  });

  it('refuses an action on an object missing from the live state', () => {
    expect(checkActionAgainstGuardrails(pause('99'), live(), [], config(), NOW).events[0]).toMatchObject({
      guardrail: 'not_delivering',
      detail: 'adset 99 is not in the live state',
    });
  });

  it('refuses an approved increase if the ad set went back into learning', () => {
    const learning = live((s) => {
      s.entities[1] = { ...s.entities[1]!, learningStage: 'LEARNING' };
    });
    expect(
      checkActionAgainstGuardrails(budget('11', 10_000, 12_000), learning, [], config(), NOW).events[0],
    ).toMatchObject({
      guardrail: 'scale_hold',
      detail: 'no increase: ad set 11 is still learning',
    });
  });

  it('refuses a second increase within 72 h even when the entity cooldown is off', () => {
    const c = config({ guardrails: { entityCooldownHours: 0 } });
    const raised: AppliedAction[] = [
      {
        entityId: '11',
        level: 'adset',
        type: 'update_daily_budget',
        from: 8_000,
        to: 10_000,
        at: hoursAgo(5),
      },
    ];
    expect(
      checkActionAgainstGuardrails(budget('11', 10_000, 12_000), live(), raised, c, NOW).events[0]?.guardrail,
    ).toBe('scale_hold');
  });

  it('reports a trim when the policy changed after approval (the executor should refuse it)', () => {
    const v = checkActionAgainstGuardrails(
      budget('11', 10_000, 12_000),
      live(),
      [],
      config({ guardrails: { budgetCeilingMinor: 11_000 } }),
      NOW,
    );
    expect(v.outcome).toBe('trimmed');
    expect(v.action).toMatchObject({ to: 11_000 });
  });
});
