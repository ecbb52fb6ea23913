import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/dates.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { type Json, seedScenario } from '../../support/sim.js';

/**
 * Meta is the clock of its data. The simulator serves a scenario whose "now" is fixed; our own clock
 * (the harness's ManualClock: plan expiry, cooldowns, run times) is set to that time, to weeks before
 * it and to weeks after it. The recommendations and the plan must not move: the daily series end on
 * Meta's yesterday, not ours.
 */
const SCENARIO_NOW = '2026-11-20T15:00:00Z';
// New York: 10:00 on 2026-11-20, so Meta's yesterday is 2026-11-19.
const YESTERDAY = '2026-11-19';
const WEEK_MS = 7 * 86_400_000;

interface Day {
  spend: number;
  purchases: number;
}

function ad(id: string, name: string, days: Day[]): Json {
  return {
    id,
    name,
    status: 'ACTIVE',
    creative_id: `5${id}`,
    daily: days.map((d, i) => ({
      date: addDays(YESTERDAY, i - (days.length - 1)),
      impressions: Math.round(d.spend * 60),
      reach: Math.round(d.spend * 45),
      clicks: Math.round(d.spend * 0.9),
      inline_link_clicks: Math.round(d.spend * 0.7),
      spend: d.spend,
      purchases: d.purchases,
      purchase_value: d.purchases * 150,
    })),
  };
}

/**
 * 14 days ending yesterday. Ad set 21 spends ~$100 a day, then $450 yesterday: spend_spike. The account
 * sells every day until the last two, when it spends ~$600 without a purchase: tracking_broken. Ad set
 * 31 has a poor CPA over the window (a rule that reads the window, not days), for a plan with actions.
 */
function clockScenario(): Json {
  const s = seedScenario();
  s.now = SCENARIO_NOW;
  const steady = (spend: number, purchases: number, last: Day[]): Day[] => [
    ...Array.from({ length: 14 - last.length }, (_, i) => ({ spend: spend + (i % 3) * 4, purchases })),
    ...last,
  ];
  s.ad_accounts = [
    {
      id: 'act_1000000001',
      name: 'Clock Store',
      currency: 'USD',
      timezone_name: 'America/New_York',
      account_status: 1,
      min_daily_budget: 100,
      campaigns: [
        {
          id: '20',
          name: 'Spiking',
          objective: 'OUTCOME_SALES',
          status: 'ACTIVE',
          special_ad_categories: [],
          adsets: [
            {
              id: '21',
              name: 'Spiking set',
              status: 'ACTIVE',
              daily_budget: 12000,
              ads: [
                ad(
                  '210',
                  'Spiking ad',
                  steady(100, 1, [
                    { spend: 110, purchases: 0 },
                    { spend: 450, purchases: 0 },
                  ]),
                ),
              ],
            },
          ],
        },
        {
          id: '30',
          name: 'Costly',
          objective: 'OUTCOME_SALES',
          status: 'ACTIVE',
          special_ad_categories: [],
          adsets: [
            {
              id: '31',
              name: 'Costly set',
              status: 'ACTIVE',
              daily_budget: 20000,
              ads: [
                ad(
                  '310',
                  'Costly ad',
                  steady(180, 0, [
                    { spend: 170, purchases: 0 },
                    { spend: 175, purchases: 0 },
                  ]).map((d, i) => (i % 4 === 0 && i < 12 ? { ...d, purchases: 1 } : d)),
                ),
              ],
            },
          ],
        },
      ],
    },
  ];
  return s;
}

describe("the data's days come from Meta's clock, not ours", () => {
  let h: OpsHarness;
  beforeAll(async () => {
    h = await startOpsHarness({ scenario: clockScenario(), now: SCENARIO_NOW });
    await h.onboard();
    // Its account stopped recording purchases (tracking_broken fires at every clock): the kill switch
    // would halt it before the plan this test compares, so it is off here.
    await expectOk(h.cli('setup', '--kill-switch', 'off', '--apply'));
  });
  afterAll(async () => h?.close());

  const runAt = async (ourNow: string) => {
    h.clock.set(ourNow);
    const run = (await expectOk(h.cli('run-now', '--json'))).json();
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan;
    return {
      window: run.run.window,
      recommendations: run.recommendations.map((r: Json) => {
        const { id: _id, ...rest } = r;
        return rest;
      }),
      actions: plan.actions.map((a: Json) => ({
        key: a.key,
        type: a.type,
        entity_id: a.entity_id,
        from: a.from,
        to: a.to,
        requires_approval: a.requires_approval,
      })),
    };
  };

  it('gives the same recommendations and plan when our clock is weeks before, at, or weeks after Meta’s', async () => {
    const at = (ms: number) => new Date(Date.parse(SCENARIO_NOW) + ms).toISOString();
    // Runs in our clock's order, so "the latest run" is always the one just made.
    const before = await runAt(at(-3 * WEEK_MS));
    const same = await runAt(SCENARIO_NOW);
    const after = await runAt(at(3 * WEEK_MS));

    const rules = same.recommendations.map((r: Json) => r.rule);
    expect(rules).toContain('spend_spike');
    expect(rules).toContain('tracking_broken');
    const spike = same.recommendations.find((r: Json) => r.rule === 'spend_spike');
    expect(spike.entity_id).toBe('21');
    expect(spike.evidence.spike.date).toBe(YESTERDAY);
    const tracking = same.recommendations.find((r: Json) => r.rule === 'tracking_broken');
    expect(tracking.evidence.tracking.recent_until).toBe(YESTERDAY);
    expect(same.window).toEqual({ since: '2026-11-13', until: YESTERDAY });

    expect(before).toEqual(same);
    expect(after).toEqual(same);
  });

  it('takes the simulator’s Date header from the scenario clock', async () => {
    const res = await fetch(`${h.sim.url}/v26.0/me?access_token=EAASIMSYSTEMUSERTOKEN0001`);
    expect(new Date(res.headers.get('date')!).toISOString()).toBe('2026-11-20T15:00:00.000Z');
  });
});
