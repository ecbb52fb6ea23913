import { describe, expect, it } from 'vitest';
import { ACCOUNT, APP_ID, type Json, simForEachTest } from '../../support/sim.js';

const client = simForEachTest();
const FIELDS =
  'event_type,event_time,actor_id,actor_name,application_id,application_name,object_id,object_name,object_type,extra_data,translated_event_type,date_time_in_timezone';

async function activities(params: Record<string, unknown> = {}): Promise<Json[]> {
  const r = await client.get(`/${ACCOUNT}/activities`, { fields: FIELDS, ...params });
  expect(r.status).toBe(200);
  return r.body.data;
}

describe('the activity log (GET act_X/activities)', () => {
  it('records a write through the API with our app and the token user as the actor', async () => {
    expect((await client.post('/11', { daily_budget: 30000 })).body).toEqual({ success: true });
    const [a] = await activities();
    expect(a).toMatchObject({
      event_type: 'update_ad_set_budget',
      application_id: APP_ID,
      actor_id: '900000000000001',
      object_id: '11',
      object_name: 'Broad US 25-54',
      object_type: 'CAMPAIGN',
      event_time: '2026-11-20T15:00:00+0000',
      date_time_in_timezone: '2026-11-20T10:00:00-0500',
    });
    expect(JSON.parse(a.extra_data)).toEqual({
      type: 'daily_budget',
      currency: 'USD',
      old_value: 15000,
      new_value: 30000,
    });
  });

  it('records an admin mutation as the person named, with no application', async () => {
    await client.admin('POST', 'mutate', {
      id: '12',
      fields: { status: 'PAUSED' },
      actor: { id: '100000000000042', name: 'Jane Buyer' },
    });
    const [a] = await activities();
    expect(a).toMatchObject({
      event_type: 'update_ad_set_run_status',
      actor_id: '100000000000042',
      actor_name: 'Jane Buyer',
      object_id: '12',
    });
    expect(a.application_id).toBeUndefined();
    expect(JSON.parse(a.extra_data)).toMatchObject({ old_value: 'ACTIVE', new_value: 'PAUSED' });
  });

  it("injects Meta's automatic adjustment, applied and logged with Meta as the actor", async () => {
    const r = await client.admin('POST', 'automatic-adjustments', {
      id: '13',
      event_type: 'update_campaign_budget',
      fields: { daily_budget: 20000 },
    });
    expect(r.status).toBe(200);
    expect((await client.object('13')).daily_budget).toBe(20000);
    const [a] = await activities();
    expect(a).toMatchObject({ event_type: 'update_campaign_budget', actor_name: 'Meta', object_id: '13' });
    expect(a.actor_id).toBeUndefined();
    expect(a.application_id).toBeUndefined();
    const bad = await client.admin('POST', 'automatic-adjustments', { id: '13', event_type: 'raise_budget' });
    expect(bad.status).toBe(400);
  });

  it('pages newest first with cursors, and filters by since, until and category', async () => {
    for (let i = 0; i < 5; i++) {
      await client.post('/11', { daily_budget: 16000 + i * 100 });
      await client.admin('POST', 'clock', { advance_hours: 1 });
    }
    await client.post('/110', { status: 'PAUSED' });
    const first = await client.get(`/${ACCOUNT}/activities`, { fields: FIELDS, limit: 2 });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0].event_type).toBe('update_ad_run_status');
    const seen: Json[] = [...first.body.data];
    let next: string | undefined = first.body.paging.next;
    while (next) {
      const page = await client.fetchJson(next);
      seen.push(...page.body.data);
      next = page.body.paging?.next;
    }
    expect(seen).toHaveLength(6);
    const times = seen.map((a) => Date.parse(a.event_time.replace('+0000', 'Z')));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const since = Date.parse('2026-11-20T17:00:00Z') / 1000;
    const until = Date.parse('2026-11-20T18:00:00Z') / 1000;
    expect(await activities({ since, until })).toHaveLength(2);
    const status = await activities({ category: 'STATUS' });
    expect(status.map((a) => a.event_type)).toEqual(['update_ad_run_status']);
    expect(await activities({ category: 'BUDGET' })).toHaveLength(5);
  });

  it("refuses a field AdActivity does not have and a category outside Meta's enum", async () => {
    const field = await client.get(`/${ACCOUNT}/activities`, { fields: 'event_type,budget' });
    expect(field.body.error.message).toBe(
      '(#100) Tried accessing nonexisting field (budget) on node type (AdActivity)',
    );
    const cat = await client.get(`/${ACCOUNT}/activities`, { category: 'BUDGETS' });
    expect(cat.body.error.code).toBe(100);
  });
});
