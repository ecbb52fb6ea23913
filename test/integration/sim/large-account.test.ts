import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../../src/sim/index.js';
import { type Json, SimClient } from '../../support/sim.js';

const ACCOUNT = 'act_2000000001';
let sim: RunningSimulator;
let client: SimClient;

beforeAll(async () => {
  sim = await startSimulator({
    scenarioPath: fileURLToPath(new URL('../../../examples/generated-10k.json', import.meta.url)),
  });
  client = new SimClient(sim);
});
afterAll(() => sim.close());

describe('a generated account of 10 000 ads', () => {
  it('serves ad-level insights for every ad quickly, in pages of up to 5000 rows', async () => {
    const started = performance.now();
    const rows: Json[] = [];
    let page = await client.get(`/${ACCOUNT}/insights`, {
      level: 'ad',
      date_preset: 'last_7d',
      fields: 'ad_id,spend,impressions,reach,actions,purchase_roas',
      limit: '5000',
    });
    rows.push(...page.body.data);
    while (page.body.paging?.next) {
      page = await client.fetchJson(page.body.paging.next);
      rows.push(...page.body.data);
    }
    const ms = performance.now() - started;
    console.log(`10 000-ad account: ${rows.length} ad rows for last_7d in ${ms.toFixed(0)} ms`);
    expect(new Set(rows.map((r) => r.ad_id)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(9000);
    expect(ms).toBeLessThan(10_000);
    const account = await client.get(`/${ACCOUNT}/insights`, { date_preset: 'last_7d', fields: 'spend' });
    const sum = rows.reduce((s, r) => s + Number(r.spend), 0);
    expect(Math.abs(sum - Number(account.body.data[0].spend))).toBeLessThan(0.01 * rows.length);
  });

  it('lists every ad set with its budget mode and learning stage', async () => {
    const adsets = await client.get(`/${ACCOUNT}/adsets`, {
      fields: 'daily_budget,campaign{daily_budget},learning_stage_info{status}',
      limit: '5000',
      effective_status: ['ACTIVE', 'PAUSED', 'CAMPAIGN_PAUSED'],
    });
    expect(adsets.body.data).toHaveLength(200);
    for (const s of adsets.body.data)
      expect((s.daily_budget === undefined) !== (s.campaign.daily_budget === undefined)).toBe(true);
    expect(adsets.body.data.some((s: Json) => s.learning_stage_info.status === 'LEARNING')).toBe(true);
  });
});
