/**
 * Scenarios for simulator tests, built from the shipped seed so that each test says only what differs:
 * extra tokens (an unexpired read-only one, one limited to another account), objects in the states a
 * rule needs (archived, deleted, campaign budget), a second account, and generated accounts.
 */
import { type Json, seedScenario } from './sim.js';

export const READ_TOKEN = 'EAASIMREADONLYFRESH0004';
export const OTHER_ACCOUNT_TOKEN = 'EAASIMOTHERACCOUNT00005';
export const SHORT_LIVED_TOKEN = 'EAASIMSHORTLIVED0000006';
export const OTHER_ACCOUNT = 'act_1000000002';
export const PAGES_ONLY_TOKEN = 'EAASIMPAGESONLY00000007';

/** seed-demo plus tokens and objects for the rule tests. */
export function rulesScenario(): Record<string, Json> {
  const s = seedScenario();
  s.tokens.push(
    { token: READ_TOKEN, type: 'USER', user_id: '900000000000004', scopes: ['ads_read'], expires_at: 0 },
    {
      token: OTHER_ACCOUNT_TOKEN,
      type: 'USER',
      user_id: '900000000000005',
      scopes: ['ads_read', 'ads_management'],
      expires_at: 0,
      ad_accounts: [OTHER_ACCOUNT],
    },
    {
      token: SHORT_LIVED_TOKEN,
      type: 'USER',
      user_id: '900000000000006',
      scopes: ['ads_read', 'ads_management'],
      expires_at: 1795190400,
    },
    {
      token: PAGES_ONLY_TOKEN,
      type: 'USER',
      user_id: '900000000000007',
      scopes: ['pages_show_list'],
      expires_at: 0,
    },
  );
  s.ad_accounts.push({
    id: OTHER_ACCOUNT,
    name: 'Second store',
    currency: 'JPY',
    timezone_name: 'Asia/Tokyo',
    account_status: 1,
    min_daily_budget: 200,
    campaigns: [
      {
        id: '50',
        name: 'Tokyo sales',
        objective: 'OUTCOME_SALES',
        status: 'ACTIVE',
        adsets: [
          {
            id: '51',
            name: 'Tokyo broad',
            status: 'ACTIVE',
            daily_budget: 5000,
            ads: [{ id: '510', name: 'Tokyo ad', status: 'ACTIVE', daily: [] }],
          },
        ],
      },
      {
        id: '60',
        name: 'Old campaign',
        objective: 'OUTCOME_TRAFFIC',
        status: 'ARCHIVED',
        adsets: [
          {
            id: '61',
            name: 'Old ad set',
            status: 'DELETED',
            daily_budget: 5000,
            ads: [{ id: '610', name: 'Old ad', status: 'PAUSED', daily: [] }],
          },
        ],
      },
    ],
  });
  return s;
}

/** A scenario with one generated account. */
export function generatedScenario(
  generate: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, Json> {
  const s = seedScenario();
  s.ad_accounts = [
    {
      id: 'act_2000000001',
      name: 'Generated store',
      currency: 'USD',
      timezone_name: 'America/New_York',
      account_status: 1,
      min_daily_budget: 100,
      generate,
      ...extra,
    },
  ];
  return s;
}
