/**
 * A scenario for late conversions: two ABO ad sets launched three days before the clock (10:00 New
 * York, 2026-11-20), on an account whose purchases report slowly (20 % at midnight, 60 % a day later,
 * all by 72 h). Ad set 51 is near target when matured ($378 a day, 30 purchases: CPA $126 vs $120);
 * ad set 61 is truly bad ($378 a day, 8 purchases: CPA $473).
 */
import { type Json, seedScenario } from './sim.js';

export const LAG_NOW = '2026-11-20T15:00:00Z';
export const LAG_ACCOUNT = 'act_2000000001';
export const SLOW_LAG = [
  { hours: 0, reported: 0.2 },
  { hours: 24, reported: 0.6 },
  { hours: 48, reported: 0.9 },
  { hours: 72, reported: 1 },
];
const DAYS = ['2026-11-17', '2026-11-18', '2026-11-19'];

function abo(id: number, purchases: number): Json {
  return {
    id: String(id),
    name: `Campaign ${id}`,
    objective: 'OUTCOME_SALES',
    status: 'ACTIVE',
    adsets: [
      {
        id: String(id + 1),
        name: `Ad set ${id + 1}`,
        status: 'ACTIVE',
        daily_budget: 40_000,
        ads: [
          {
            id: String(id * 10 + 11),
            name: `Ad ${id * 10 + 11}`,
            status: 'ACTIVE',
            daily: DAYS.map((date) => ({
              date,
              impressions: 60_000,
              reach: 30_000,
              clicks: 900,
              inline_link_clicks: 700,
              spend: 3780,
              purchases,
              purchase_value: purchases * 300,
            })),
          },
        ],
      },
    ],
  };
}

export function lagScenario(lag: Json = SLOW_LAG): Json {
  const seed = seedScenario();
  return {
    ...seed,
    name: 'late-conversions',
    now: LAG_NOW,
    tokens: seed.tokens,
    ad_accounts: [
      {
        id: LAG_ACCOUNT,
        name: 'Slow pixel store',
        currency: 'USD',
        timezone_name: 'America/New_York',
        account_status: 1,
        min_daily_budget: 100,
        ...(lag === null ? {} : { conversion_lag: lag }),
        campaigns: [abo(50, 30), abo(60, 8)],
      },
    ],
  };
}
