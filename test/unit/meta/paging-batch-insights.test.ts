import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { createMetaClient, type MetaClientOptions } from '../../../src/meta/client.js';
import { MetaApiError } from '../../../src/meta/errors.js';
import {
  type FakeGraph,
  type Handler,
  metaError,
  recordingSleep,
  startFakeGraph,
} from './support/fake-graph.js';

let graph: FakeGraph | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

async function setup(handler: Handler, opts: Partial<MetaClientOptions> = {}) {
  graph = await startFakeGraph(handler);
  const clock = new ManualClock('2026-11-20T15:00:00Z');
  const s = recordingSleep((ms) => clock.advance(ms));
  const client = createMetaClient({
    graphUrl: graph.url,
    accessToken: 'EAATESTTOKEN00000001',
    clock,
    sleep: s.sleep,
    random: () => 0,
    // Long enough for a loaded CI machine, short enough for the tests of a server that never answers.
    timeoutMs: 1_000,
    ...opts,
  });
  return { client, slept: s.slept, calls: graph.calls };
}

const campaign = (id: string) => ({ id, name: `c${id}`, status: 'ACTIVE', effective_status: 'ACTIVE' });

describe('paging', () => {
  it('follows paging.next past short and empty pages until it is absent', async () => {
    const { client, calls } = await setup((call) => {
      const next = (after: string) =>
        `${graph!.url}/v26.0/act_1/campaigns?limit=2&after=${after}&access_token=EAATESTTOKEN00000001`;
      switch (call.query.after) {
        case undefined:
          return { json: { data: [campaign('1'), campaign('2')], paging: { next: next('p2') } } };
        case 'p2':
          return { json: { data: [], paging: { next: next('p3') } } };
        case 'p3':
          return { json: { data: [campaign('3')], paging: { next: next('p4') } } };
        default:
          return { json: { data: [campaign('4')], paging: { cursors: { before: 'x' } } } };
      }
    });
    const campaigns = await client.listCampaigns('1');
    client.close();
    expect(campaigns.map((c) => c.id)).toEqual(['1', '2', '3', '4']);
    expect(calls.map((c) => c.query.after ?? '-')).toEqual(['-', 'p2', 'p3', 'p4']);
    expect(calls[0]!.path).toBe('act_1/campaigns');
    expect(calls[0]!.query.limit).toBe('500');
  });

  it('refuses to loop forever on a next URL that repeats', async () => {
    const { client } = await setup(() => ({
      json: { data: [campaign('1')], paging: { next: `${graph!.url}/v26.0/act_1/campaigns?after=same` } },
    }));
    await expect(client.listCampaigns('act_1')).rejects.toMatchObject({ code: 'meta_paging_runaway' });
    client.close();
  });
});

describe('batch', () => {
  it('splits more than 50 requests into calls of at most 50 and keeps results in order', async () => {
    const { client, calls } = await setup((call) => {
      const items = JSON.parse(call.body.batch!) as Array<{ relative_url: string }>;
      return {
        json: items.map((it) => ({ code: 200, body: JSON.stringify({ id: it.relative_url.split('?')[0] }) })),
      };
    });
    const requests = Array.from({ length: 120 }, (_, i) => ({
      method: 'GET' as const,
      path: String(1000 + i),
      params: { fields: 'id' },
    }));
    const results = await client.batch(requests);
    client.close();
    expect(calls.map((c) => (JSON.parse(c.body.batch!) as unknown[]).length)).toEqual([50, 50, 20]);
    expect(calls[0]!.path).toBe('');
    expect(results.map((r) => (r.ok ? (r.data as { id: string }).id : 'x'))).toEqual(
      requests.map((r) => r.path),
    );
    expect(JSON.parse(calls[0]!.body.batch!)[0]).toEqual({ method: 'GET', relative_url: '1000?fields=id' });
  });

  it('returns per-item Meta errors, resends null read items, and never resends a null write item', async () => {
    let round = 0;
    const { client, calls } = await setup((call) => {
      round++;
      const items = JSON.parse(call.body.batch!) as Array<{
        method: string;
        relative_url: string;
        body?: string;
      }>;
      return {
        json: items.map((it) => {
          if (it.relative_url.startsWith('bad')) {
            return { code: 400, body: JSON.stringify(metaError(100, { error_subcode: 33 })) };
          }
          if (it.relative_url.startsWith('slow') && round === 1) return null;
          if (it.method === 'POST') return null;
          return { code: 200, body: JSON.stringify({ ok: it.relative_url }) };
        }),
      };
    });
    const results = await client.batch([
      { method: 'GET', path: 'good' },
      { method: 'GET', path: 'bad' },
      { method: 'GET', path: 'slow' },
      { method: 'POST', path: '123', params: { status: 'PAUSED' } },
    ]);
    client.close();
    expect(results[0]).toEqual({ ok: true, status: 200, data: { ok: 'good' } });
    expect(results[1]).toMatchObject({ ok: false, outcome: 'failed' });
    expect((results[1] as unknown as { error: MetaApiError }).error).toBeInstanceOf(MetaApiError);
    expect((results[1] as unknown as { error: MetaApiError }).error.code).toBe('meta_object_not_found');
    expect(results[2]).toEqual({ ok: true, status: 200, data: { ok: 'slow' } });
    expect(results[3]).toMatchObject({ ok: false, outcome: 'unknown' });
    expect(calls).toHaveLength(2);
    const resent = JSON.parse(calls[1]!.body.batch!) as Array<{ relative_url: string }>;
    expect(resent.map((r) => r.relative_url)).toEqual(['slow']);
    expect(JSON.parse(calls[0]!.body.batch!)[3]).toEqual({
      method: 'POST',
      relative_url: '123',
      body: 'status=PAUSED',
    });
  });

  it('gives up on a read item that keeps timing out', async () => {
    const { client, calls } = await setup((call) => ({
      json: (JSON.parse(call.body.batch!) as unknown[]).map(() => null),
    }));
    const [r] = await client.batch([{ method: 'GET', path: 'slow' }], { maxNullRetries: 2 });
    client.close();
    expect(r).toMatchObject({ ok: false, outcome: 'failed' });
    expect(calls).toHaveLength(3);
  });
});

describe('insights', () => {
  const row = { campaign_id: '10', spend: '1.00', date_start: '2026-11-13', date_stop: '2026-11-19' };

  it('switches to an async report when Meta says the sync call asks for too much', async () => {
    let polls = 0;
    const { client, calls, slept } = await setup((call) => {
      if (call.method === 'GET' && call.path === 'act_1/insights') {
        return { status: 500, json: metaError(1, { error_subcode: 99, is_transient: false }) };
      }
      if (call.method === 'POST' && call.path === 'act_1/insights') return { json: { report_run_id: '777' } };
      if (call.path === '777') {
        polls++;
        return polls < 3
          ? { json: { id: '777', async_status: 'Job Running', async_percent_completion: 40 * polls } }
          : { json: { id: '777', async_status: 'Job Completed', async_percent_completion: 100 } };
      }
      if (call.path === '777/insights') return { json: { data: [row] } };
      return { status: 404, json: metaError(803) };
    });
    const rows = await client.insights({
      accountId: 'act_1',
      level: 'campaign',
      fields: ['campaign_id', 'spend'],
      datePreset: 'last_7d',
    });
    client.close();
    expect(rows).toEqual([row]);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET act_1/insights',
      'POST act_1/insights',
      'GET 777',
      'GET 777',
      'GET 777',
      'GET 777/insights',
    ]);
    expect(calls[1]!.body).toMatchObject({
      level: 'campaign',
      fields: 'campaign_id,spend',
      date_preset: 'last_7d',
    });
    expect(slept).toEqual([1000, 1500, 2250]);
  });

  it('switches to async when the first sync page times out, without repeating the sync call', async () => {
    const { client, calls } = await setup((call) => {
      if (call.method === 'GET' && call.path === 'act_1/insights') return { hang: true };
      if (call.method === 'POST') return { json: { report_run_id: '9' } };
      if (call.path === '9')
        return { json: { async_status: 'Job Completed', async_percent_completion: 100 } };
      return { json: { data: [row] } };
    });
    await expect(client.insights({ accountId: '1', level: 'campaign', fields: ['spend'] })).resolves.toEqual([
      row,
    ]);
    client.close();
    expect(calls.filter((c) => c.method === 'GET' && c.path === 'act_1/insights')).toHaveLength(1);
  });

  it('resubmits a failed report once, then reports Meta’s error', async () => {
    const { client, calls } = await setup((call) => {
      if (call.method === 'POST') return { json: { report_run_id: String(calls.length) } };
      return {
        json: {
          async_status: 'Job Failed',
          async_percent_completion: 0,
          error_code: 2,
          error_message: 'Service unavailable',
        },
      };
    });
    const err = await client
      .insights({ accountId: '1', level: 'ad', fields: ['spend'] }, 'async')
      .catch((e) => e);
    client.close();
    expect(err).toBeInstanceOf(MetaApiError);
    expect(err.metaCode).toBe(2);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2);
  });

  it('sends time ranges, daily increments and attribution windows as Meta expects', async () => {
    const { client, calls } = await setup(() => ({ json: { data: [] } }));
    await client.insights({
      accountId: '1',
      level: 'ad',
      fields: ['ad_id', 'spend'],
      timeRange: { since: '2026-11-06', until: '2026-11-19' },
      timeIncrement: 1,
      attributionWindows: ['7d_click', '1d_view'],
      limit: 1000,
    });
    client.close();
    expect(calls[0]!.query).toMatchObject({
      level: 'ad',
      time_range: '{"since":"2026-11-06","until":"2026-11-19"}',
      time_increment: '1',
      action_attribution_windows: '["7d_click","1d_view"]',
      limit: '1000',
    });
    expect(calls[0]!.query.date_preset).toBeUndefined();
  });
});
