import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../../src/domain/agent-config.js';
import { indexEntities } from '../../../src/domain/hierarchy.js';
import { buildPlan } from '../../../src/domain/planner.js';
import { globToRegExp } from '../../../src/domain/protection.js';
import { recommend } from '../../../src/domain/recommend.js';
import { guardrailConfigArb, historyArb, shuffled, snapshotArb } from './arbitraries.js';
import { NOW } from './builders.js';

const RUNS = { numRuns: 300 };

describe('properties', () => {
  it('no plan exceeds any cap, whatever the account, policy and history', () => {
    fc.assert(
      fc.property(snapshotArb, guardrailConfigArb, historyArb, (snapshot, input, history) => {
        const config = parseAgentConfig(input);
        const g = config.guardrails;
        const plan = buildPlan({
          snapshot,
          recommendations: recommend({ snapshot, config, history }),
          config,
          history,
        });
        const entities = indexEntities(snapshot.entities);

        expect(plan.actions.length).toBeLessThanOrEqual(g.maxActionsPerPlan);
        expect(new Set(plan.actions.map((a) => a.entityId)).size).toBe(plan.actions.length);
        expect(plan.actions.map((a) => a.key)).toEqual(plan.actions.map((_, i) => `A${i + 1}`));
        const paused = new Set(plan.actions.filter((a) => a.type === 'set_status').map((a) => a.entityId));

        for (const a of plan.actions) {
          const entity = entities.get(a.entityId)!;
          expect(entities.ancestorsOf(entity).some((p) => paused.has(p.id))).toBe(false);
          const writes = history.filter((h) => h.entityId === a.entityId).map((h) => Date.parse(h.at));
          for (const at of writes)
            expect(Date.parse(NOW) - at).toBeGreaterThanOrEqual(g.entityCooldownHours * 3_600_000);
          if (a.type !== 'update_daily_budget') {
            expect(a.to).toBe('PAUSED');
            continue;
          }
          expect(a.from).toBe(entity.dailyBudget);
          expect(a.to).not.toBe(a.from);
          expect(Math.abs(a.to - a.from)).toBeLessThanOrEqual((a.from * g.maxBudgetChangePct) / 100);
          if (a.to < a.from)
            expect(a.to).toBeGreaterThanOrEqual(
              Math.max(snapshot.account.minDailyBudget, g.budgetFloorMinor ?? 0),
            );
          if (a.to > a.from && g.budgetCeilingMinor !== null)
            expect(a.to).toBeLessThanOrEqual(g.budgetCeilingMinor);
          const lastHour = writes.filter((at) => at > Date.parse(NOW) - 3_600_000).length;
          expect(lastHour).toBeLessThan(g.maxBudgetChangesPerHour);
          if (a.to > a.from) {
            const adsets =
              entity.level === 'adset'
                ? [entity]
                : entities.childrenOf(entity.id).filter((s) => entities.isDelivering(s));
            expect(adsets.some((s) => s.learningStage === 'LEARNING')).toBe(false);
          }
          if (!a.requiresApproval) {
            expect(a.to).toBeLessThan(a.from);
            expect(((a.from - a.to) / a.from) * 100).toBeLessThanOrEqual(
              g.approvalWaiverMaxDecreasePct! + 1e-9,
            );
          }
        }
      }),
      RUNS,
    );
  });

  it('no action ever targets a protected or non-delivering entity', () => {
    fc.assert(
      fc.property(snapshotArb, guardrailConfigArb, (snapshot, input) => {
        const config = parseAgentConfig(input);
        const recs = recommend({ snapshot, config });
        const plan = buildPlan({ snapshot, recommendations: recs, config });
        const entities = indexEntities(snapshot.entities);
        const patterns = config.guardrails.protectedNamePatterns.map(globToRegExp);
        const isProtected = (id: string) => {
          const e = entities.get(id)!;
          return config.guardrails.protectedEntityIds.includes(id) || patterns.some((p) => p.test(e.name));
        };
        for (const rec of recs) {
          if (rec.level === 'account') continue;
          expect(entities.isDelivering(entities.get(rec.entityId)!)).toBe(true);
        }
        for (const a of plan.actions) {
          const e = entities.get(a.entityId)!;
          expect(entities.isDelivering(e)).toBe(true);
          const family = [e, ...entities.ancestorsOf(e), ...entities.descendantsOf(e)];
          expect(family.filter((f) => isProtected(f.id))).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('gives the same recommendations and plan in the same order, whatever the order of the input', () => {
    fc.assert(
      fc.property(
        snapshotArb.chain((s) =>
          fc.tuple(fc.constant(s), shuffled(s.entities), shuffled(s.windowRows), shuffled(s.dailyRows)),
        ),
        guardrailConfigArb,
        historyArb.chain((h) => fc.tuple(fc.constant(h), shuffled(h))),
        ([snapshot, entities, windowRows, dailyRows], input, [history, historyShuffled]) => {
          const config = parseAgentConfig(input);
          const shuffledSnapshot = { ...snapshot, entities, windowRows, dailyRows };
          const a = recommend({ snapshot, config, history });
          const b = recommend({ snapshot: shuffledSnapshot, config, history: historyShuffled });
          expect(b).toEqual(a);
          expect(recommend({ snapshot, config, history })).toEqual(a);
          const planA = buildPlan({ snapshot, recommendations: a, config, history });
          const planB = buildPlan({
            snapshot: shuffledSnapshot,
            recommendations: [...b].reverse(),
            config,
            history: historyShuffled,
          });
          expect(planB).toEqual(planA);
        },
      ),
      RUNS,
    );
  });

  it('every recommendation id is unique and names its rule and entity', () => {
    fc.assert(
      fc.property(snapshotArb, guardrailConfigArb, (snapshot, input) => {
        const recs = recommend({ snapshot, config: parseAgentConfig(input) });
        expect(new Set(recs.map((r) => r.id)).size).toBe(recs.length);
        for (const r of recs) expect(r.id).toBe(`rec_${r.rule}_${r.entityId}`);
      }),
      RUNS,
    );
  });
});
