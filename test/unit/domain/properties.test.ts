import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../../src/domain/agent-config.js';
import {
  dayAgeHours,
  type LagPoint,
  reportedCount,
  reportedFraction,
} from '../../../src/domain/conversion-lag.js';
import { indexEntities } from '../../../src/domain/hierarchy.js';
import { buildPlan } from '../../../src/domain/planner.js';
import { globToRegExp } from '../../../src/domain/protection.js';
import { recommend } from '../../../src/domain/recommend.js';
import type { DeliverySums } from '../../../src/domain/snapshot.js';
import { guardrailConfigArb, historyArb, shuffled, snapshotArb } from './arbitraries.js';
import { aboAccount, config, NOW } from './builders.js';

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

  it('no verdict flips from pause to scale-up as the data matures by lag alone', () => {
    const WEEK = [
      '2026-11-13',
      '2026-11-14',
      '2026-11-15',
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
    ];
    // Any valid profile: fractions rising to 1 at 24–72 h.
    const lagArb: fc.Arbitrary<LagPoint[]> = fc
      .tuple(
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 3 }),
      )
      .map(([first, mid, days]) => {
        const middle = first + (1 - first) * mid;
        return [
          { hours: 0, reported: first },
          { hours: 12 * days, reported: middle },
          { hours: 24 * days, reported: 1 },
        ];
      });
    // Matured days around the target CPA ($120), so that lag can make a good week look bad.
    const dayArb = fc
      .record({
        purchases: fc.integer({ min: 0, max: 150 }),
        cpa: fc.integer({ min: 5_000, max: 20_000 }),
        valuePerPurchase: fc.integer({ min: 10_000, max: 60_000 }),
      })
      .map((d) => ({ ...d, spend: Math.max(1_000, d.purchases * d.cpa) }));
    const build = (
      days: Array<{ spend: number; purchases: number; valuePerPurchase: number }>,
      at: string,
      lag: LagPoint[] | null,
    ) => {
      const b = aboAccount().at(at);
      const total: DeliverySums = {
        spend: 0,
        impressions: 0,
        reach: 0,
        clicks: 0,
        linkClicks: 0,
        purchases: 0,
        purchaseValue: 0,
      };
      WEEK.forEach((date, i) => {
        const d = days[i]!;
        const f = lag ? reportedFraction(lag, dayAgeHours(date, Date.parse(at), 'America/New_York')) : 1;
        const purchases = reportedCount(d.purchases, f);
        const row = {
          spend: d.spend,
          impressions: 50_000,
          purchases,
          purchaseValue: purchases * d.valuePerPurchase,
        };
        b.day('1', date, row).day('11', date, row);
        total.spend += row.spend;
        total.purchases += row.purchases;
        total.purchaseValue += row.purchaseValue;
      });
      return b.window('1', total).window('11', total).window('111', total).build();
    };
    fc.assert(
      fc.property(
        fc.array(dayArb, { minLength: 7, maxLength: 7 }),
        lagArb,
        fc.integer({ min: 5, max: 23 }),
        (days, lag, hour) => {
          const c = config({ conversionLag: lag });
          const seenAt = `2026-11-20T${String(hour).padStart(2, '0')}:00:00Z`;
          const early = recommend({ snapshot: build(days, seenAt, lag), config: c });
          // Four days later every window day is mature; the window's figures are the matured truth.
          const late = recommend({ snapshot: build(days, '2026-11-24T15:00:00Z', null), config: c });
          const paused = early.filter((r) => r.action?.type === 'set_status').map((r) => r.entityId);
          for (const id of paused)
            expect(late.some((r) => r.rule === 'scale_winner' && r.entityId === id)).toBe(false);
        },
      ),
      RUNS,
    );
  });
});
