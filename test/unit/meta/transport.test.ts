import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { createMetaClient, type MetaClientOptions } from '../../../src/meta/client.js';
import { MetaApiError, MetaNetworkError, MetaThrottledError } from '../../../src/meta/errors.js';
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

const ACCOUNT = { id: 'act_1', name: 'A', currency: 'USD', timezone_name: 'UTC', account_status: 1 };

async function setup(handler: Handler, opts: Partial<MetaClientOptions> = {}) {
  graph = await startFakeGraph(handler);
  const clock = new ManualClock('2026-11-20T15:00:00Z');
  const s = recordingSleep((ms) => clock.advance(ms));
  const client = createMetaClient({
    graphUrl: graph.url,
    accessToken: 'EAATESTTOKEN00000001',
    clock,
    sleep: s.sleep,
    random: () => 0.5,
    // Long enough for a loaded CI machine, short enough for the tests of a server that never answers.
    timeoutMs: 1_000,
    ...opts,
  });
  return { client, clock, slept: s.slept, calls: graph.calls };
}

describe('retries', () => {
  it('retries a read after a transient Meta error, with growing jittered delays', async () => {
    const { client, slept, calls } = await setup((_c, n) =>
      n < 3 ? { status: 500, json: metaError(2, { is_transient: true }) } : { json: ACCOUNT },
    );
    const account = await client.getAdAccount('act_1');
    client.close();
    expect(account.name).toBe('A');
    expect(calls).toHaveLength(3);
    expect(slept).toEqual([375, 750]); // half of 500 and 1000 ms, plus half of the other half (random 0.5)
  });

  it('never retries a request Meta called invalid', async () => {
    const { client, calls } = await setup(() => ({
      status: 400,
      json: metaError(100, { error_subcode: 33 }),
    }));
    const err = await client.getAdAccount('act_1').catch((e) => e);
    client.close();
    expect(err).toBeInstanceOf(MetaApiError);
    expect(err.code).toBe('meta_object_not_found');
    expect(calls).toHaveLength(1);
  });

  it('never retries a policy block or an expired token', async () => {
    for (const body of [metaError(368), metaError(190, { error_subcode: 463 })]) {
      const { client, calls } = await setup(() => ({ status: 400, json: body }));
      await expect(client.getAdAccount('act_1')).rejects.toBeInstanceOf(MetaApiError);
      client.close();
      expect(calls).toHaveLength(1);
      await graph?.close();
    }
  });

  it('gives up after the configured attempts and reports the last error', async () => {
    const { client, calls } = await setup(() => ({ status: 500, json: metaError(1) }), {
      retry: { maxAttempts: 3 },
    });
    const err = await client.getAdAccount('act_1').catch((e) => e);
    client.close();
    expect(err.verdict).toBe('retry');
    expect(calls).toHaveLength(3);
  });

  it('retries a read that timed out', async () => {
    const { client, calls } = await setup((_c, n) => (n === 1 ? { hang: true } : { json: ACCOUNT }));
    await expect(client.getAdAccount('act_1')).resolves.toMatchObject({ id: 'act_1' });
    client.close();
    expect(calls).toHaveLength(2);
  });

  it('retries a read answered by an outage page without a Meta error', async () => {
    const { client, calls } = await setup((_c, n) =>
      n === 1 ? { status: 502, text: '<html>Bad Gateway</html>' } : { json: ACCOUNT },
    );
    await expect(client.getAdAccount('act_1')).resolves.toMatchObject({ id: 'act_1' });
    client.close();
    expect(calls).toHaveLength(2);
  });
});

describe('writes whose outcome is unknown', () => {
  it('never retries a write whose outcome is unknown (timeout)', async () => {
    const { client, calls } = await setup(() => ({ hang: true }));
    const result = await client.setStatus('123', 'PAUSED');
    client.close();
    expect(result.outcome).toBe('unknown');
    if (result.outcome !== 'unknown') throw new Error('unreachable');
    expect(result.reason).toBe('timeout');
    expect(result.request).toEqual({ method: 'POST', path: '123', params: { status: 'PAUSED' } });
    expect(result.error.message).toContain('may or may not have been applied');
    expect(calls).toHaveLength(1);
  });

  it('never retries a write whose connection was cut before an answer', async () => {
    const { client, calls } = await setup(() => ({ destroy: true }));
    const result = await client.setDailyBudget('123', 5000);
    client.close();
    expect(result).toMatchObject({ outcome: 'unknown', reason: 'connection_lost' });
    expect(calls).toHaveLength(1);
  });

  it('never retries a write answered by a 5xx without a Meta error body', async () => {
    const { client, calls } = await setup(() => ({ status: 503, text: 'Service Unavailable' }));
    const result = await client.setDailyBudget('123', 5000);
    client.close();
    expect(result).toMatchObject({ outcome: 'unknown', reason: 'no_meta_answer' });
    expect(calls).toHaveLength(1);
  });

  it('never re-sends a write after a transient Meta error, which may come after the write applied', async () => {
    const { client, calls } = await setup((_c, n) =>
      n === 1 ? { status: 500, json: metaError(2, { is_transient: true }) } : { json: { success: true } },
    );
    const err = await client.setStatus('123', 'ACTIVE').catch((e) => e);
    client.close();
    expect(err).toBeInstanceOf(MetaApiError);
    expect(err.verdict).toBe('retry');
    expect(calls).toHaveLength(1);
  });

  it('throws, and does not retry, when Meta refuses a write outright', async () => {
    const { client, calls } = await setup(() => ({
      status: 400,
      json: metaError(100, { error_subcode: 1885272, error_user_msg: 'must be at least $1.00 per day' }),
    }));
    const err = await client.setDailyBudget('123', 50).catch((e) => e);
    client.close();
    expect(err).toBeInstanceOf(MetaApiError);
    expect(err.message).toContain('must be at least $1.00 per day');
    expect(calls).toHaveLength(1);
  });

  it('retries a write whose connection was refused, as it never reached Meta', async () => {
    const { client } = await setup(() => ({ json: {} }), { retry: { maxAttempts: 2 } });
    await graph!.close();
    const err = await client.setStatus('123', 'PAUSED').catch((e) => e);
    client.close();
    expect(err).toBeInstanceOf(MetaNetworkError);
    expect(err.kind).toBe('refused');
    graph = undefined;
  });
});

describe('write guards', () => {
  it('refuses statuses other than ACTIVE and PAUSED before any call', async () => {
    const { client, calls } = await setup(() => ({ json: { success: true } }));
    for (const status of ['ARCHIVED', 'DELETED', 'paused', '']) {
      await expect(client.setStatus('123', status as 'PAUSED')).rejects.toMatchObject({
        code: 'meta_write_refused',
      });
    }
    client.close();
    expect(calls).toHaveLength(0);
  });

  it('refuses a budget that is not a positive whole number of minor units before any call', async () => {
    const { client, calls } = await setup(() => ({ json: { success: true } }));
    for (const v of [0, -100, 12.5, Number.NaN, 2 ** 60]) {
      await expect(client.setDailyBudget('123', v)).rejects.toMatchObject({ code: 'meta_write_refused' });
    }
    client.close();
    expect(calls).toHaveLength(0);
  });

  it('sends a dry run as execution_options=["validate_only"] and reports it as validated', async () => {
    const { client, calls } = await setup(() => ({ json: { success: true } }));
    const result = await client.setDailyBudget('123', 2500, { validateOnly: true });
    client.close();
    expect(result).toEqual({ outcome: 'validated', id: '123' });
    expect(calls[0]!.body).toMatchObject({ daily_budget: '2500', execution_options: '["validate_only"]' });
  });

  it('reads live status and budget for the drift check', async () => {
    const { client, calls } = await setup(() => ({
      json: { id: '11', status: 'ACTIVE', effective_status: 'ACTIVE', daily_budget: '15000' },
    }));
    const live = await client.getLive('11', 'adset');
    client.close();
    expect(live).toEqual({
      id: '11',
      level: 'adset',
      status: 'ACTIVE',
      effectiveStatus: 'ACTIVE',
      dailyBudget: 15000,
    });
    expect(calls[0]!.query.fields).toBe('id,status,effective_status,daily_budget');
  });
});

describe('throttling', () => {
  const throttledHeaders = (minutes: number) => ({
    'x-business-use-case-usage': JSON.stringify({
      '1': [
        {
          type: 'ads_management',
          call_count: 100,
          total_cputime: 5,
          total_time: 5,
          estimated_time_to_regain_access: minutes,
        },
      ],
    }),
  });

  it('waits out estimated_time_to_regain_access after a throttle, then succeeds', async () => {
    const { client, slept, calls } = await setup((_c, n) =>
      n === 1
        ? { status: 400, json: metaError(80004, { error_subcode: 2446079 }), headers: throttledHeaders(2) }
        : { json: ACCOUNT },
    );
    await expect(client.getAdAccount('act_1')).resolves.toMatchObject({ id: 'act_1' });
    client.close();
    expect(slept).toContain(120_000);
    expect(calls).toHaveLength(2);
  });

  it('stops calling a throttled account until Meta lets it back in', async () => {
    const { client, calls, clock } = await setup(
      (_c, n) =>
        n === 1
          ? { status: 400, json: metaError(80004, { error_subcode: 2446079 }), headers: throttledHeaders(30) }
          : { json: ACCOUNT },
      { retry: { maxBackOffWaitMs: 60_000 } },
    );
    const first = await client.getAdAccount('act_1').catch((e) => e);
    expect(first).toBeInstanceOf(MetaApiError);
    expect(first.verdict).toBe('back_off');
    expect(first.retryAfterMs).toBe(30 * 60_000);
    const second = await client.getAdAccount('act_1').catch((e) => e);
    expect(second).toBeInstanceOf(MetaThrottledError);
    expect(calls).toHaveLength(1);
    clock.advance(30 * 60_000 + 1);
    await expect(client.getAdAccount('act_1')).resolves.toMatchObject({ id: 'act_1' });
    client.close();
    expect(calls).toHaveLength(2);
  });

  it('slows down as usage headers climb past 75 %', async () => {
    const usage = [50, 90, 99];
    const { client, slept } = await setup((_c, n) => ({
      json: ACCOUNT,
      headers: {
        'x-business-use-case-usage': JSON.stringify({
          '1': [{ type: 'ads_management', call_count: usage[n - 1] ?? 0 }],
        }),
      },
    }));
    for (let i = 0; i < 3; i++) await client.getAdAccount('act_1');
    client.close();
    // No wait before the first two calls (nothing known, then 50 %), then the 90 % wait.
    expect(slept).toEqual([7200]);
  });
});

describe('bad responses', () => {
  it('refuses a response that is not what Meta documents, with code meta_bad_response', async () => {
    const { client } = await setup(() => ({ json: { id: 'act_1', name: 'A', currency: 'dollars' } }));
    const err = await client.getAdAccount('act_1').catch((e) => e);
    client.close();
    expect(err.code).toBe('meta_bad_response');
    expect(err.message).toContain('currency');
  });

  it('refuses a 200 that is not JSON', async () => {
    const { client } = await setup(() => ({ text: '<html>ok</html>' }));
    const err = await client.getAdAccount('act_1').catch((e) => e);
    client.close();
    expect(err.code).toBe('meta_bad_response');
  });
});
