import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../src/sim/index.js';
import { ACCOUNT, type Json, type SimClient, SYSTEM_TOKEN, startSim } from '../../support/sim.js';

/**
 * Meta's own Node SDK (facebook-nodejs-business-sdk, which pins v24.0) as an independent client: if the
 * simulator's shapes drifted from Meta's, the SDK's cursor, reads and updates would break here. Only
 * its base URL is changed (it is hard-coded to graph.facebook.com).
 */
interface Cursor extends Array<{ _data: Json }> {
  hasNext(): boolean;
  next(): Promise<Cursor>;
}
interface Node {
  getCampaigns(fields: string[], params: Record<string, unknown>): Promise<Cursor>;
  getInsights(fields: string[], params: Record<string, unknown>): Promise<Cursor>;
  update(fields: string[], params: Record<string, unknown>): Promise<Json>;
}
interface Sdk {
  FacebookAdsApi: { init(token: string, locale: string, crashLog: boolean): unknown; VERSION: string };
  AdAccount: new (id: string) => Node;
  AdSet: new (id: string) => Node;
  Ad: new (id: string) => Node;
}

const sdk = createRequire(import.meta.url)('facebook-nodejs-business-sdk') as Sdk;
let sim: RunningSimulator;
let client: SimClient;
let originalGraph: PropertyDescriptor | undefined;

beforeAll(async () => {
  ({ sim, client } = await startSim());
  originalGraph = Object.getOwnPropertyDescriptor(sdk.FacebookAdsApi, 'GRAPH');
  Object.defineProperty(sdk.FacebookAdsApi, 'GRAPH', { get: () => sim.url, configurable: true });
  // crash_log=false: the SDK would otherwise install process handlers that report crashes to Meta.
  sdk.FacebookAdsApi.init(SYSTEM_TOKEN, 'en_US', false);
});
afterAll(async () => {
  if (originalGraph) Object.defineProperty(sdk.FacebookAdsApi, 'GRAPH', originalGraph);
  await sim.close();
});

describe("Meta's official Node SDK against the simulator", () => {
  it('uses the version it pins', () => {
    expect(sdk.FacebookAdsApi.VERSION).toBe('v24.0');
  });

  it('lists campaigns page by page through its Cursor', async () => {
    const account = new sdk.AdAccount(ACCOUNT);
    let cursor = await account.getCampaigns(['name', 'status', 'daily_budget'], { limit: 1 });
    const names = cursor.map((c) => c._data.name);
    while (cursor.hasNext()) {
      cursor = await cursor.next();
      names.push(...cursor.map((c) => c._data.name));
    }
    expect(names).toEqual(['Prospecting - Broad', 'Retargeting']);
    const calls = (await client.admin('GET', 'calls')).body.calls.filter(
      (c: Json) => c.path === `/${ACCOUNT}/campaigns`,
    );
    expect(calls.map((c: Json) => c.version)).toEqual(['v24.0', 'v24.0']);
  });

  it('reads insights', async () => {
    const rows = await new sdk.AdAccount(ACCOUNT).getInsights(['campaign_id', 'spend', 'actions'], {
      level: 'campaign',
      date_preset: 'last_7d',
    });
    const spend = rows.reduce((s, r) => s + Number(r._data.spend), 0);
    expect(spend.toFixed(2)).toBe('2843.19');
    expect(rows.map((r) => r._data.campaign_id)).toEqual(['10', '13']);
  });

  it('updates a status and a budget', async () => {
    expect(await new sdk.Ad('110').update([], { status: 'PAUSED' })).toMatchObject({ success: true });
    expect(await new sdk.AdSet('11').update([], { daily_budget: 12000 })).toMatchObject({ success: true });
    expect(await client.object('110')).toMatchObject({ status: 'PAUSED' });
    expect(await client.object('11')).toMatchObject({ daily_budget: 12000 });
  });

  it('surfaces a refused write as the SDK’s FacebookRequestError with Meta’s code', async () => {
    const err = await new sdk.AdSet('14').update([], { daily_budget: 5000 }).catch((e: unknown) => e as Json);
    expect(err.name).toBe('FacebookRequestError');
    expect(err.response).toMatchObject({ code: 100, error_subcode: 1885621 });
  });
});
