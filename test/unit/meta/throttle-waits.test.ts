import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { createMetaClient, type MetaClientOptions } from '../../../src/meta/client.js';
import {
  type FakeGraph,
  type Handler,
  metaError,
  recordingSleep,
  startFakeGraph,
} from './support/fake-graph.js';

/**
 * Every throttle code is waited out before the same call goes again: for as long as Meta's headers on
 * the throttled answer say, under the use case of the call that was throttled — never retried at once.
 */
let graph: FakeGraph | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

const ROW = { spend: '10.00', impressions: '100', date_start: '2026-11-13', date_stop: '2026-11-19' };

async function setup(handler: Handler, opts: Partial<MetaClientOptions> = {}) {
  const clock = new ManualClock('2026-11-20T15:00:00Z');
  // When each call reached Meta on our clock: the gaps between them are the waits.
  const callAt: number[] = [];
  graph = await startFakeGraph((c, n) => {
    callAt.push(clock.now().getTime());
    return handler(c, n);
  });
  const s = recordingSleep((ms) => clock.advance(ms));
  const client = createMetaClient({
    graphUrl: graph.url,
    accessToken: 'EAATESTTOKEN00000001',
    clock,
    sleep: s.sleep,
    random: () => 0.5,
    timeoutMs: 5_000,
    retry: { maxAttempts: 4, maxBackOffWaitMs: 30 * 60_000 },
    ...opts,
  });
  const gaps = () => callAt.slice(1).map((t, i) => t - callAt[i]!);
  return { client, clock, slept: s.slept, calls: graph.calls, gaps };
}

const readInsights = (client: ReturnType<typeof createMetaClient>) =>
  client.insights(
    { accountId: 'act_1', level: 'campaign', fields: ['spend'], datePreset: 'last_7d' },
    'sync',
  );

const buc = (type: string, minutes: number) => ({
  'x-business-use-case-usage': JSON.stringify({
    '1': [
      { type, call_count: 100, total_cputime: 40, total_time: 60, estimated_time_to_regain_access: minutes },
    ],
  }),
});

function throttledThenOk(
  times: number,
  code: number,
  headers: Record<string, string>,
  sub?: number,
): Handler {
  return (_c, n) =>
    n <= times
      ? {
          status: 400,
          json: metaError(code, sub === undefined ? {} : { error_subcode: sub }),
          headers,
        }
      : { json: { data: [ROW] } };
}

describe('throttled insights reads wait as Meta says', () => {
  it('waits estimated_time_to_regain_access after 80004 on an insights read, every time', async () => {
    const { client, calls, gaps } = await setup(throttledThenOk(3, 80004, buc('ads_management', 2), 2446079));
    await expect(readInsights(client)).resolves.toHaveLength(1);
    client.close();
    expect(calls).toHaveLength(4);
    expect(gaps()).toEqual([120_000, 120_000, 120_000]);
  });

  it('waits the insights use case out after 80000', async () => {
    const { client, gaps } = await setup(throttledThenOk(1, 80000, buc('ads_insights', 5), 2446079));
    await readInsights(client);
    client.close();
    expect(gaps()).toEqual([300_000]);
  });

  it('waits X-Ad-Account-Usage reset_time_duration after 17 (account score limit)', async () => {
    const headers = {
      'x-ad-account-usage': JSON.stringify({ acc_id_util_pct: 100, reset_time_duration: 300 }),
    };
    const { client, gaps } = await setup(throttledThenOk(1, 17, headers, 2446079));
    await readInsights(client);
    client.close();
    expect(gaps()).toEqual([300_000]);
  });

  it('backs off exponentially after 613 and 4, which carry no time, from the policy default', async () => {
    const app = { 'x-app-usage': JSON.stringify({ call_count: 100, total_time: 20, total_cputime: 20 }) };
    const a = await setup(throttledThenOk(2, 4, app), { governor: { defaultBlockMs: 10_000 } });
    await readInsights(a.client);
    a.client.close();
    expect(a.gaps()).toEqual([10_000, 20_000]);
    await graph?.close();
    const b = await setup(throttledThenOk(3, 613, {}, 1487742), { governor: { defaultBlockMs: 10_000 } });
    await readInsights(b.client);
    b.client.close();
    expect(b.gaps()).toEqual([10_000, 20_000, 40_000]);
  });

  it('waits out the other throttle codes too (32, 80003, 80014), never calling again at once', async () => {
    for (const code of [32, 80003, 80014]) {
      const { client, gaps } = await setup(throttledThenOk(1, code, buc('ads_insights', 1)), {
        governor: { defaultBlockMs: 10_000 },
      });
      await readInsights(client);
      client.close();
      expect(gaps()[0], `code ${code}`).toBeGreaterThanOrEqual(10_000);
      await graph?.close();
    }
  });

  it('keeps other calls of the blocked use case away while an insights read waits', async () => {
    const { client, calls, clock } = await setup(
      (c, n) =>
        n === 1
          ? {
              status: 400,
              json: metaError(80004, { error_subcode: 2446079 }),
              headers: buc('ads_management', 40),
            }
          : c.path.endsWith('insights')
            ? { json: { data: [ROW] } }
            : { json: { id: 'act_1', name: 'A', currency: 'USD', timezone_name: 'UTC', account_status: 1 } },
      { retry: { maxAttempts: 4, maxBackOffWaitMs: 60_000 } },
    );
    // 40 minutes is longer than a call may wait: the read fails with a throttle, and the next read of
    // that account's insights is refused locally instead of being sent.
    const first = await readInsights(client).catch((e) => e);
    expect(first.verdict).toBe('back_off');
    const again = await readInsights(client).catch((e) => e);
    expect(again.code).toBe('meta_throttled');
    expect(calls).toHaveLength(1);
    clock.advance(40 * 60_000 + 1);
    await expect(readInsights(client)).resolves.toHaveLength(1);
    client.close();
  });
});
