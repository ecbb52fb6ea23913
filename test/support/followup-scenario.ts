/**
 * A scenario for outcome follow-ups: the seed's account (act_1000000001, USD, New York) with larger ABO
 * campaigns whose days run past the clock (10:00 New York, 2026-11-20), so moving the clock reveals what
 * happened after a write. Purchases report 90 % at midnight and all within 6 h (FAST_LAG).
 * - Campaign 10: ad set 11 is bad ($3,000 a day, 10 purchases: CPA $300 → paused); its sibling 13 ($2,000,
 *   20 purchases) collapses after the 20th (5 purchases a day): the parent gets worse after the pause.
 * - Campaign 40: ad set 12 is a winner ($2,000, 40 purchases, ROAS 6 → budget raised); from the 21st it
 *   spends $2,400 for 120 purchases a day: far better than before while its peers hold steady.
 * - Campaigns 20 and 30: untouched peers, steady at CPA $100 throughout.
 */
import { type Json, seedScenario } from './sim.js';

export const FOLLOWUP_NOW = '2026-11-20T15:00:00Z';
export const FAST_LAG = [
  { hours: 0, reported: 0.9 },
  { hours: 6, reported: 1 },
];
const BEFORE = dates('2026-11-06', '2026-11-19');
const AFTER = dates('2026-11-20', '2026-12-01');

function dates(since: string, until: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${since}T00:00:00Z`); t <= Date.parse(`${until}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

interface DayPlan {
  spend: number;
  purchases: number;
  aov: number;
}

function ad(id: string, before: DayPlan, after: DayPlan | null): Json {
  const day = (date: string, p: DayPlan) => ({
    date,
    impressions: Math.round(p.spend * 40),
    reach: Math.round(p.spend * 30),
    clicks: Math.round(p.spend * 0.6),
    inline_link_clicks: Math.round(p.spend * 0.45),
    spend: p.spend,
    purchases: p.purchases,
    purchase_value: p.purchases * p.aov,
  });
  return {
    id,
    name: `Ad ${id}`,
    status: 'ACTIVE',
    daily: [...BEFORE.map((d) => day(d, before)), ...(after ? AFTER.map((d) => day(d, after)) : [])],
  };
}

function adset(id: string, name: string, budget: number, before: DayPlan, after: DayPlan | null): Json {
  return { id, name, status: 'ACTIVE', daily_budget: budget, ads: [ad(`${id}0`, before, after)] };
}

function campaign(id: string, name: string, adsets: Json[]): Json {
  return { id, name, objective: 'OUTCOME_SALES', status: 'ACTIVE', adsets };
}

const steady: DayPlan = { spend: 3000, purchases: 30, aov: 150 };

export function followupScenario(): Json {
  const seed = seedScenario();
  const account = seed.ad_accounts[0];
  return {
    ...seed,
    name: 'outcome-follow-ups',
    now: FOLLOWUP_NOW,
    ad_accounts: [
      {
        ...account,
        conversion_lag: FAST_LAG,
        campaigns: [
          campaign('10', 'Prospecting', [
            // Paused on the 20th: the scenario's later days are what it would have done; a paused ad
            // set delivers nothing, so it has none.
            adset('11', 'Broad US', 300_000, { spend: 3000, purchases: 10, aov: 150 }, null),
            adset(
              '13',
              'Interests',
              200_000,
              { spend: 2000, purchases: 20, aov: 150 },
              {
                spend: 2000,
                purchases: 5,
                aov: 150,
              },
            ),
          ]),
          campaign('40', 'Lookalikes', [
            adset(
              '12',
              'Lookalike 1%',
              200_000,
              { spend: 2000, purchases: 40, aov: 300 },
              {
                spend: 2400,
                purchases: 120,
                aov: 300,
              },
            ),
          ]),
          campaign('20', 'Evergreen A', [
            adset('21', 'Evergreen A1', 300_000, steady, steady),
            adset('22', 'Evergreen A2', 300_000, steady, steady),
          ]),
          campaign('30', 'Evergreen B', [adset('31', 'Evergreen B1', 300_000, steady, steady)]),
        ],
      },
    ],
  };
}
