import { describe, expect, it } from 'vitest';
import { ACCOUNT, type Json, simForEachTest } from '../../support/sim.js';

const client = simForEachTest();

async function batch(items: unknown[], extra: Record<string, string> = {}) {
  return client.post('/', { batch: JSON.stringify(items), ...extra });
}

describe('batch requests', () => {
  it('answers each item in order with {code, headers, body: "<JSON string>"}', async () => {
    const r = await batch([
      { method: 'GET', relative_url: '11?fields=name,daily_budget' },
      { method: 'POST', relative_url: 'v25.0/110', body: 'status=PAUSED' },
      { method: 'GET', relative_url: `${ACCOUNT}/insights?date_preset=last_7d&fields=spend` },
    ]);
    expect(r.status).toBe(200);
    expect(r.body.map((item: Json) => item.code)).toEqual([200, 200, 200]);
    expect(JSON.parse(r.body[0].body)).toEqual({ id: '11', name: 'Broad US 25-54', daily_budget: '15000' });
    expect(JSON.parse(r.body[1].body)).toEqual({ success: true });
    expect(JSON.parse(r.body[2].body).data[0].spend).toBe('2843.19');
    expect(r.body[0].headers).toContainEqual({
      name: 'content-type',
      value: 'application/json; charset=UTF-8',
    });
    expect((await client.object('110')).status).toBe('PAUSED');
  });

  it('returns a failed item as a 4xx with the error body, while the others succeed', async () => {
    const r = await batch([
      { method: 'POST', relative_url: '14', body: 'daily_budget=5000' },
      { method: 'GET', relative_url: '999999?fields=id' },
      { method: 'GET', relative_url: '12' },
    ]);
    expect(r.body.map((item: Json) => item.code)).toEqual([400, 400, 200]);
    expect(JSON.parse(r.body[0].body).error.error_subcode).toBe(1885621);
    expect(JSON.parse(r.body[1].body).error.error_subcode).toBe(33);
  });

  it('counts and logs every item as its own call', async () => {
    await batch(
      [
        { method: 'GET', relative_url: '11' },
        { method: 'GET', relative_url: '12' },
      ],
      { include_headers: 'false' },
    );
    const calls = (await client.admin('GET', 'calls')).body.calls;
    const outer = calls.find((c: Json) => c.path === '/');
    expect(calls.filter((c: Json) => c.in_batch === outer.seq).map((c: Json) => c.path)).toEqual([
      '/11',
      '/12',
    ]);
  });

  it('times an item out, answering null, when a delay-only fault matches its path', async () => {
    await client.admin('POST', 'faults', { method: 'POST', path: '^/111$', delay_ms: 5000 });
    const started = Date.now();
    const r = await batch([
      { method: 'POST', relative_url: '111', body: 'status=PAUSED' },
      { method: 'POST', relative_url: '120', body: 'status=PAUSED' },
    ]);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.body[0]).toBeNull();
    expect(r.body[1].code).toBe(200);
    expect((await client.object('111')).status).toBe('ACTIVE');
    const logged = (await client.admin('GET', 'calls')).body.calls.find((c: Json) => c.path === '/111');
    expect(logged).toMatchObject({ status: null, timed_out: true });
  });

  it('can time out an item after applying it (apply_then_fail), so the write happened but the answer is null', async () => {
    await client.admin('POST', 'faults', {
      method: 'POST',
      path: '^/111$',
      delay_ms: 100,
      apply_then_fail: true,
    });
    const r = await batch([{ method: 'POST', relative_url: '111', body: 'status=PAUSED' }]);
    expect(r.body).toEqual([null]);
    expect((await client.object('111')).status).toBe('PAUSED');
  });

  it('refuses more than 50 requests in one batch', async () => {
    const r = await batch(Array.from({ length: 51 }, () => ({ method: 'GET', relative_url: '11' })));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/Maximum batch size is 50/);
  });

  it('accepts the batch as a JSON body too, and takes a per-item token over the outer one', async () => {
    const r = await client.fetchJson(`${client.sim.url}/v26.0/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        access_token: client.token,
        batch: [
          { method: 'GET', relative_url: '11?fields=name' },
          { method: 'GET', relative_url: '11?fields=name&access_token=EAASIMREVOKEDTOKEN000003' },
        ],
      }),
    });
    expect(r.body[0].code).toBe(200);
    expect(JSON.parse(r.body[1].body).error.code).toBe(190);
  });
});
