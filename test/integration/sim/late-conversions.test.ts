import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../../src/domain/agent-config.js';
import { recommend } from '../../../src/domain/recommend.js';
import type { Recommendation } from '../../../src/domain/recommendation.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetaClient, type MetaClient } from '../../../src/meta/client.js';
import { readAccountSnapshot } from '../../../src/meta/snapshot-reader.js';
import { LAG_ACCOUNT, LAG_NOW, lagScenario, SLOW_LAG } from '../../support/lag-scenario.js';
import { APP_ID, APP_SECRET, type SimClient, SYSTEM_TOKEN, startSim } from '../../support/sim.js';

let sim: Awaited<ReturnType<typeof startSim>>;
let meta: MetaClient;
beforeAll(async () => {
  sim = await startSim({ scenario: lagScenario() });
  meta = createMetaClient({
    graphUrl: sim.sim.url,
    appId: APP_ID,
    appSecret: APP_SECRET,
    accessToken: SYSTEM_TOKEN,
    logger: silentLogger,
  });
});
afterAll(async () => {
  meta.close();
  await sim.sim.close();
});
beforeEach(async () => {
  await sim.client.admin('POST', 'reset');
});

const client = (): SimClient => sim.client;
const LATER = '2026-11-23T15:00:00Z';
const config = parseAgentConfig({ targetCpaMinor: 12_000, targetRoas: 1.8, conversionLag: SLOW_LAG });

async function adsetPurchasesOn(date: string): Promise<Record<string, number>> {
  const r = await client().get(`/${LAG_ACCOUNT}/insights`, {
    level: 'adset',
    fields: 'adset_id,actions',
    time_range: { since: date, until: date },
  });
  expect(r.status).toBe(200);
  const out: Record<string, number> = {};
  for (const row of r.body.data)
    out[row.adset_id] = Number(
      row.actions.find((a: { action_type: string }) => a.action_type === 'omni_purchase').value,
    );
  return out;
}

async function recsAt(now: string): Promise<Recommendation[]> {
  await client().admin('POST', 'clock', { now });
  const snapshot = await readAccountSnapshot(meta, { adAccountId: LAG_ACCOUNT, takenAt: now });
  return recommend({ snapshot, config });
}

const on = (recs: Recommendation[], id: string) => recs.filter((r) => r.entityId === id);

describe('late conversions through the simulator', () => {
  it("reports a day as seen at the clock: moving the clock 72 h settles yesterday's purchases", async () => {
    // 10 h after midnight, 37 % of 2026-11-19 is in (11 of 30, 3 of 8); 2026-11-17 is 94 % in.
    expect(await adsetPurchasesOn('2026-11-19')).toEqual({ '51': 11, '61': 3 });
    expect(await adsetPurchasesOn('2026-11-17')).toEqual({ '51': 29, '61': 8 });
    await client().admin('POST', 'clock', { advance_hours: 72 });
    expect(await adsetPurchasesOn('2026-11-19')).toEqual({ '51': 30, '61': 8 });
  });

  it('serves the matured figures when the scenario declares no lag', async () => {
    const plain = await startSim({ scenario: lagScenario([{ hours: 0, reported: 1 }]) });
    try {
      const r = await plain.client.get(`/${LAG_ACCOUNT}/insights`, {
        level: 'adset',
        fields: 'adset_id,actions',
        date_preset: 'yesterday',
      });
      const purchases = r.body.data.map((row: { actions: Array<{ action_type: string; value: string }> }) =>
        Number(row.actions.find((a) => a.action_type === 'omni_purchase')!.value),
      );
      expect(purchases).toEqual([30, 8]);
    } finally {
      await plain.sim.close();
    }
  });

  it('does not pause an ad set under-reported by lag alone; 72 h later the matured data finds nothing wrong', async () => {
    const early = on(await recsAt(LAG_NOW), '51');
    const highCpa = early.find((r) => r.rule === 'high_cpa')!;
    expect(highCpa.action).toBeNull();
    expect(highCpa.evidence.maturity).toMatchObject({ held: true, basis: 'daily' });
    expect(highCpa.evidence.sentence).toContain('held: purchases');
    expect(early.every((r) => r.action === null)).toBe(true);

    const late = on(await recsAt(LATER), '51');
    expect(late.filter((r) => r.rule === 'high_cpa' || r.rule === 'zero_conversions')).toEqual([]);
  });

  it('still pauses the truly bad ad set on day one, and 72 h later', async () => {
    const early = on(await recsAt(LAG_NOW), '61').find((r) => r.rule === 'high_cpa')!;
    expect(early.action).toMatchObject({ type: 'set_status', entityId: '61', to: 'PAUSED' });
    expect(early.evidence.maturity!.held).toBe(false);
    expect(early.evidence.maturity!.purchasesPct).toBeLessThan(80);
    const late = on(await recsAt(LATER), '61').find((r) => r.rule === 'high_cpa')!;
    expect(late.action).toMatchObject({ to: 'PAUSED' });
    expect(late.evidence.maturity).toMatchObject({ purchasesPct: 100, held: false });
  });

  it('proposes reviving a paused ad set once its late conversions bring its CPA under target', async () => {
    // Target $130. At the pause the reported CPA was $183 (62 of 90 purchases in); matured it is $126.
    const c = parseAgentConfig({ targetCpaMinor: 13_000, conversionLag: SLOW_LAG });
    const pausedByUs = [{ entityId: '51', level: 'adset' as const, at: LAG_NOW }];
    await client().admin('POST', 'mutate', { id: '51', fields: { status: 'PAUSED' } });
    const read = async (now: string) => {
      await client().admin('POST', 'clock', { now });
      const snapshot = await readAccountSnapshot(meta, { adAccountId: LAG_ACCOUNT, takenAt: now });
      return recommend({ snapshot, config: c, pausedByUs }).filter((r) => r.rule === 'revive');
    };
    expect(await read(LAG_NOW)).toEqual([]);
    const [rec] = await read(LATER);
    expect(rec!.action).toEqual({
      type: 'set_status',
      level: 'adset',
      entityId: '51',
      from: 'PAUSED',
      to: 'ACTIVE',
    });
    expect(rec!.evidence.sentence).toContain('CPA $126 on 90 purchases vs target $130');
  });
});
