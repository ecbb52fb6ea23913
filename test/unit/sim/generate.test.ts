import { describe, expect, it } from 'vitest';
import { runInsights } from '../../../src/sim/insights/engine.js';
import { parseInsightsQuery } from '../../../src/sim/insights/query.js';
import { SimState } from '../../../src/sim/model/state.js';
import type { Account } from '../../../src/sim/model/types.js';
import { parseScenario } from '../../../src/sim/scenario/load.js';
import { generatedScenario } from '../../support/sim-scenarios.js';

const spec = {
  seed: 7,
  campaigns: 20,
  adsets_per_campaign: 5,
  ads_per_adset: 4,
  days: 14,
  cbo_share: 0.3,
  target_cpa: 40,
};

function build(generate: Record<string, unknown> = spec): Account {
  return new SimState(parseScenario(generatedScenario(generate))).accounts[0] as Account;
}

function fingerprint(a: Account): string {
  const objects = a.campaigns.map((c) => [
    c.id,
    c.name,
    c.status,
    c.dailyBudget,
    c.adsets.map((s) => [
      s.id,
      s.name,
      s.status,
      s.dailyBudget,
      s.learningStage,
      s.lastSigEditMs,
      s.ads.map((ad) => [ad.id, ad.name, ad.status]),
    ]),
  ]);
  return JSON.stringify([
    objects,
    Array.from(a.delivery.spend),
    Array.from(a.delivery.purchases),
    Array.from(a.delivery.reach),
  ]);
}

describe('generated accounts', () => {
  it('are identical for the same file: ids, names, budgets and rows', () => {
    expect(fingerprint(build())).toBe(fingerprint(build()));
  });

  it('differ for another seed', () => {
    expect(fingerprint(build({ ...spec, seed: 8 }))).not.toBe(fingerprint(build()));
  });

  it('give exactly round(campaigns × cbo_share) campaigns a campaign budget, and only their ad sets none', () => {
    const a = build();
    const cbo = a.campaigns.filter((c) => c.dailyBudget !== undefined);
    expect(cbo).toHaveLength(6);
    for (const c of a.campaigns) {
      for (const s of c.adsets) expect(s.dailyBudget === undefined).toBe(c.dailyBudget !== undefined);
    }
    const budgets = a.campaigns
      .flatMap((c) => [c.dailyBudget, ...c.adsets.map((s) => s.dailyBudget)])
      .filter((b) => b !== undefined);
    expect(budgets.every((b) => (b as number) >= a.minDailyBudget && (b as number) % 100 === 0)).toBe(true);
  });

  it('include LEARNING ad sets and a few PAUSED objects', () => {
    const a = build();
    const adsets = a.campaigns.flatMap((c) => c.adsets);
    const ads = adsets.flatMap((s) => s.ads);
    expect(adsets.some((s) => s.learningStage === 'LEARNING')).toBe(true);
    expect(ads.some((ad) => ad.status === 'PAUSED') || adsets.some((s) => s.status === 'PAUSED')).toBe(true);
    expect(ads.filter((ad) => ad.status === 'PAUSED').length).toBeLessThan(ads.length / 4);
  });

  it('scatter the CPA around target_cpa', () => {
    const a = build({ ...spec, campaigns: 40 });
    const lastDay = a.delivery.firstDay + a.delivery.days;
    const q = parseInsightsQuery(
      { fields: 'spend', level: 'account', date_preset: 'last_14d' },
      'account',
      lastDay,
      a.delivery.earliestDay,
    );
    const r = runInsights(a, a, q);
    expect(r.count).toBe(1);
    let spend = 0;
    let purchases = 0;
    for (let i = 0; i < a.delivery.spend.length; i++) {
      spend += a.delivery.spend[i] as number;
      purchases += a.delivery.purchases[i] as number;
    }
    const cpa = spend / purchases;
    expect(cpa).toBeGreaterThan(40 * 0.75);
    expect(cpa).toBeLessThan(40 * 1.35);
  });

  it('build 100 000 ads × 14 days in a few seconds, in compact arrays', () => {
    const started = performance.now();
    const a = build({ seed: 1, campaigns: 100, adsets_per_campaign: 20, ads_per_adset: 50, days: 14 });
    const ms = performance.now() - started;
    expect(a.delivery.rows).toBe(100_000);
    expect(a.delivery.spend.length).toBe(1_400_000);
    expect(a.delivery.impressions).toBeInstanceOf(Uint32Array);
    expect(ms).toBeLessThan(8_000);
  });
});
