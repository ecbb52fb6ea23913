import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { createMetaClient } from '../../../src/meta/client.js';
import { readAccountSnapshot } from '../../../src/meta/snapshot-reader.js';
import type { RunningSimulator } from '../../../src/sim/index.js';
import { ACCOUNT, APP_ID, APP_SECRET, type SimClient, SYSTEM_TOKEN, startSim } from '../../support/sim.js';

/**
 * Against the simulator's throttle faults, which carry the usage headers Meta sends with a throttle:
 * every throttled call waits, on an injected clock, exactly what those headers say before it is sent
 * again — under the use case of the call that was throttled.
 */
describe('throttled calls wait as Meta says (simulator)', () => {
  let sim: RunningSimulator;
  let client: SimClient;
  beforeAll(async () => {
    ({ sim, client } = await startSim());
  });
  afterAll(async () => sim?.close());
  afterEach(async () => void (await client.admin('POST', 'reset')));

  const metaClient = () => {
    const clock = new ManualClock('2026-11-20T15:00:00Z');
    const slept: number[] = [];
    const meta = createMetaClient({
      graphUrl: sim.url,
      appId: APP_ID,
      appSecret: APP_SECRET,
      accessToken: SYSTEM_TOKEN,
      clock,
      random: () => 0.5,
      retry: { maxAttempts: 5, maxBackOffWaitMs: 30 * 60_000 },
      governor: { defaultBlockMs: 20_000 },
      sleep: async (ms) => {
        slept.push(ms);
        clock.advance(ms);
      },
    });
    return { meta, slept };
  };
  const insightsCalls = async () =>
    (await client.admin('GET', 'calls')).body.calls.filter((c: { path: string }) =>
      c.path.endsWith('/insights'),
    );

  it('waits estimated_time_to_regain_access after each 80004 on an account insights read', async () => {
    await client.admin('POST', 'faults', {
      method: 'GET',
      path: `^/${ACCOUNT}/insights$`,
      times: 3,
      regain_minutes: 2,
      error: { code: 80004, error_subcode: 2446079, message: '(#80004) There have been too many calls' },
    });
    const { meta, slept } = metaClient();
    const rows = await meta.insights({
      accountId: ACCOUNT,
      level: 'campaign',
      fields: ['spend'],
      datePreset: 'last_7d',
    });
    meta.close();
    expect(rows.length).toBeGreaterThan(0);
    expect(slept).toEqual([120_000, 120_000, 120_000]);
    expect((await insightsCalls()).map((c: { error_code: number | null }) => c.error_code)).toEqual([
      80004,
      80004,
      80004,
      null,
    ]);
  });

  it('waits reset_time_duration after 17, and backs off exponentially after 4 (no time given)', async () => {
    await client.admin('POST', 'faults', {
      method: 'GET',
      path: `^/${ACCOUNT}/insights$`,
      times: 1,
      regain_minutes: 5,
      error: { code: 17, error_subcode: 2446079, message: '(#17) User request limit reached' },
    });
    await client.admin('POST', 'faults', {
      method: 'GET',
      path: `^/${ACCOUNT}/insights$`,
      times: 2,
      error: { code: 4, error_subcode: 1504022, message: '(#4) Application request limit reached' },
    });
    const { meta, slept } = metaClient();
    await meta.insights({ accountId: ACCOUNT, level: 'campaign', fields: ['spend'], datePreset: 'last_7d' });
    meta.close();
    // 17: the 300 s Meta gave. Then 4 twice, with no time: the default doubled by each throttle in a row
    // this call met (the 2nd and 3rd).
    expect(slept).toEqual([300_000, 40_000, 80_000]);
  });

  it('lets a whole account read through a burst of throttles without ever calling again at once', async () => {
    await client.admin('POST', 'faults', {
      path: '/insights$',
      times: 3,
      regain_minutes: 1,
      error: { code: 80000, error_subcode: 2446079, message: '(#80000) There have been too many calls' },
    });
    const { meta, slept } = metaClient();
    const snapshot = await readAccountSnapshot(meta, {
      adAccountId: ACCOUNT,
      takenAt: '2026-11-20T15:00:00Z',
    });
    meta.close();
    expect(snapshot.windowRows.length).toBeGreaterThan(0);
    // Every throttled answer was waited out for the minute Meta gave (parallel reads share the block).
    expect(slept.length).toBeGreaterThanOrEqual(3);
    for (const ms of slept) expect(ms).toBeGreaterThan(0);
    expect(Math.max(...slept)).toBe(60_000);
  });
});
