import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, dateRange, localDate } from '../../../src/domain/dates.js';
import { backtest } from '../../../src/ops/backtest.js';
import { type Json, seedScenario } from '../../support/sim.js';

/**
 * A generated account whose ground truth the test knows: 10 ad sets, each with a fixed true CPA, buying
 * $250 a day for 24 days; each day's purchases are drawn Poisson(spend / true CPA) from a seeded PRNG.
 * Target $120: a pause or cut is right when the true CPA is above it, a raise or revive when it is not.
 */
// At least a third away from target: the label is what followed (a week's realised CPA), and an ad set
// whose true CPA sits at the target is labelled by a coin flip, noise no interval on the verdicts covers.
const TRUE_CPA = [40, 50, 60, 70, 80, 170, 200, 240, 300, 600];
const TARGET = 120;
const NOW = '2026-11-30T15:00:00Z';
const DAYS = dateRange('2026-11-06', '2026-11-29');

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
function poisson(rand: () => number, mean: number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

function scenario(): Json {
  const rand = mulberry32(20261130);
  const campaigns = TRUE_CPA.map((cpa, i) => {
    const id = 100 + i * 10;
    return {
      id: String(id),
      name: `True CPA $${cpa}`,
      objective: 'OUTCOME_SALES',
      status: 'ACTIVE',
      adsets: [
        {
          id: String(id + 1),
          name: `Ad set true CPA $${cpa}`,
          status: 'ACTIVE',
          daily_budget: 25_000,
          ads: [
            {
              id: String(id + 2),
              name: `Ad ${id + 2}`,
              status: 'ACTIVE',
              daily: DAYS.map((date) => {
                const purchases = poisson(rand, 250 / cpa);
                return {
                  date,
                  impressions: 20_000,
                  reach: 12_000,
                  clicks: 400,
                  inline_link_clicks: 300,
                  spend: 250,
                  purchases,
                  purchase_value: purchases * 250,
                };
              }),
            },
          ],
        },
      ],
    };
  });
  const seed = seedScenario();
  return {
    ...seed,
    name: 'known-truth',
    now: NOW,
    ad_accounts: [
      {
        id: 'act_3000000001',
        name: 'Known truth',
        currency: 'USD',
        timezone_name: 'America/New_York',
        account_status: 1,
        min_daily_budget: 100,
        campaigns,
      },
    ],
  };
}

const dir = mkdtempSync(join(tmpdir(), 'metabuyer-precision-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backtest precision on an account whose truth is known', () => {
  it("measures each rule's precision, and the true precision lies within its interval", async () => {
    const path = join(dir, 'known-truth.json');
    writeFileSync(path, JSON.stringify(scenario()));
    const horizon = 7;
    const r = await backtest({
      scenarioPath: path,
      days: 14,
      targetCpa: String(TARGET),
      targetRoas: 1.8,
      horizonDays: horizon,
    });

    const trueCpa = (entityId: string) => TRUE_CPA[Math.floor((Number(entityId) - 100) / 10)]!;
    const truth = new Map<string, { n: number; right: number }>();
    for (const day of r.days) {
      const today = localDate(day.asOf, 'America/New_York');
      if (addDays(today, horizon - 1) > '2026-11-29') continue; // its horizon is not known: unlabelled
      for (const rec of day.recommendations) {
        const action = rec.action ?? rec.evidence.shadow?.wouldBe;
        if (!action) continue;
        const down = action.type === 'set_status' ? action.to === 'PAUSED' : action.to < action.from;
        const t = truth.get(rec.rule) ?? { n: 0, right: 0 };
        t.n++;
        if (down === trueCpa(rec.entityId) > TARGET) t.right++;
        truth.set(rec.rule, t);
      }
    }
    const measured = r.precision.filter((p) => p.verdicts > 0);
    expect(measured.map((p) => p.rule)).toEqual(expect.arrayContaining(['high_cpa', 'scale_winner']));
    for (const p of measured) {
      const t = truth.get(p.rule)!;
      expect(p.verdicts).toBe(t.n);
      const truePrecision = t.right / t.n;
      expect(truePrecision).toBeGreaterThanOrEqual(p.low);
      expect(truePrecision).toBeLessThanOrEqual(p.high);
    }
    // Pauses of ad sets truly above target save money; raises of true winners earn it.
    const highCpa = r.precision.find((p) => p.rule === 'high_cpa')!;
    expect(highCpa.moneySaved).toBeGreaterThan(0);
    expect(highCpa.unlabelled).toBeGreaterThan(0);
  });
});
