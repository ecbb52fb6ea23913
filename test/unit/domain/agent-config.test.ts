import { describe, expect, it } from 'vitest';
import { agentConfigSchema, parseAgentConfig } from '../../../src/domain/agent-config.js';

describe('agent config', () => {
  it('has a default for everything', () => {
    const c = parseAgentConfig({});
    expect(c).toMatchObject({
      targetCpaMinor: null,
      targetRoas: null,
      confidenceLevel: 0.9,
      datePreset: 'last_7d',
      attributionWindow: '7d_click',
      intervalSeconds: 21_600,
      executionEnabled: false,
      rollbackWindowHours: 72,
      planTtlHours: 24,
    });
    expect(c.guardrails).toEqual({
      maxBudgetChangePct: 20,
      budgetFloorMinor: null,
      budgetCeilingMinor: null,
      maxActionsPerPlan: 10,
      entityCooldownHours: 24,
      protectedEntityIds: [],
      protectedNamePatterns: [],
      approvalWaiverMaxDecreasePct: null,
      maxBudgetChangesPerHour: 4,
    });
    expect(c.rules.highCpa).toEqual({ enabled: true, highSeverityMultiple: 1.5, budgetCutPct: 20 });
    expect(c.rules.lowRoas).toMatchObject({
      roasFraction: 0.75,
      minPurchases: 10,
      minSpendTargetCpaMultiple: 3,
    });
    expect(c.rules.scaleWinner).toMatchObject({
      roasMultiple: 1.25,
      budgetIncreasePct: 20,
      cooldownHours: 72,
    });
    expect(c.rules.lowCtr).toMatchObject({ maxCtrPct: 0.5, minImpressions: 5000 });
    expect(c.rules.highFrequency.maxFrequency).toBe(4);
    expect(c.rules.spendSpike).toMatchObject({ medianMultiple: 2, minModifiedZ: 3.5, baselineDays: 7 });
    expect(c.rules.trackingBroken).toMatchObject({
      recentDays: 2,
      minSpendTargetCpaMultiple: 3,
      minBaselinePurchases: 5,
    });
  });

  it('fills defaults inside a partly written section', () => {
    const c = parseAgentConfig({
      targetCpaMinor: 12_000,
      guardrails: { maxActionsPerPlan: 3 },
      rules: { lowCtr: { maxCtrPct: 1 } },
    });
    expect(c.guardrails.maxActionsPerPlan).toBe(3);
    expect(c.guardrails.maxBudgetChangePct).toBe(20);
    expect(c.rules.lowCtr).toEqual({ enabled: true, maxCtrPct: 1, minImpressions: 5000 });
    expect(c.rules.highCpa.highSeverityMultiple).toBe(1.5);
  });

  it('survives a JSON round trip unchanged (it is stored as JSON)', () => {
    const c = parseAgentConfig({ targetCpaMinor: 12_000, targetRoas: 1.8 });
    expect(parseAgentConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('refuses money that is not whole minor units, and nonsense thresholds', () => {
    expect(agentConfigSchema.safeParse({ targetCpaMinor: 120.5 }).success).toBe(false);
    expect(agentConfigSchema.safeParse({ targetCpaMinor: -1 }).success).toBe(false);
    expect(agentConfigSchema.safeParse({ confidenceLevel: 1 }).success).toBe(false);
    expect(agentConfigSchema.safeParse({ guardrails: { maxBudgetChangePct: 0 } }).success).toBe(false);
    expect(agentConfigSchema.safeParse({ datePreset: 'last_8d' }).success).toBe(false);
  });
});
