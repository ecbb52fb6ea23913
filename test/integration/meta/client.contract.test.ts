import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { createMetaClient, type MetaClient, type MetaClientOptions } from '../../../src/meta/client.js';
import { MetaApiError, MetaThrottledError } from '../../../src/meta/errors.js';
import { readAccountSnapshot } from '../../../src/meta/snapshot-reader.js';
import { InMemoryUsageStore } from '../../../src/meta/usage-store.js';
import { type RunningSimulator, startSimulator } from '../../../src/sim/index.js';
import { loadScenario, SEED_DEMO_PATH, snapshotFromScenario } from '../../support/demo-snapshot.js';

/**
 * The client against the Graph API simulator over real HTTP, on the seed-demo scenario: what an operator
 * would notice — right numbers, no duplicate writes, no hammering a throttled account, no secrets leaked.
 */

const ACCOUNT = 'act_1000000001';
const TOKEN = 'EAASIMSYSTEMUSERTOKEN0001';
const READONLY_TOKEN = 'EAASIMREADONLYTOKEN00002';
const REVOKED_TOKEN = 'EAASIMREVOKEDTOKEN000003';
const APP = { appId: '7000000000001', appSecret: 'sim-app-secret-0001' };
const NOW = '2026-11-20T15:00:00Z';
const HOUR_MS = 3_600_000;

interface SimCall {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
  status: number | null;
  error_code: number | null;
  in_batch?: number;
}

let sim: RunningSimulator;
const open: MetaClient[] = [];

beforeAll(async () => {
  sim = await startSimulator({ scenarioPath: SEED_DEMO_PATH, port: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await admin('POST', '/__sim/reset');
});
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`admin ${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

async function graphCalls(): Promise<SimCall[]> {
  return (await admin('GET', '/__sim/calls')).calls as SimCall[];
}

/** The read-only token of seed-demo expires 2027-01-15, after the scenario's now; tests of expiry move the clock past it. */
const BEFORE_READONLY_EXPIRY = '2026-11-10T12:00:00Z';
const AFTER_READONLY_EXPIRY = '2027-02-01T15:00:00Z';
async function setSimNow(now: string): Promise<void> {
  await admin('POST', '/__sim/clock', { now });
}

async function simObject(id: string): Promise<Record<string, unknown>> {
  return admin('GET', `/__sim/objects/${id}`);
}

/**
 * A client whose waits are instant: each sleep moves both our clock and the simulator's, as if the time
 * had really passed — so a test can wait out an hour-long throttle in milliseconds.
 */
function makeClient(opts: Partial<MetaClientOptions> = {}) {
  const clock = new ManualClock(NOW);
  const slept: number[] = [];
  const client = createMetaClient({
    graphUrl: sim.url,
    accessToken: TOKEN,
    ...APP,
    clock,
    random: () => 0.5,
    timeoutMs: 2_000,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
      if (ms > 0) await admin('POST', '/__sim/clock', { advance_hours: ms / HOUR_MS });
    },
    ...opts,
  });
  open.push(client);
  return { client, clock, slept };
}

describe('paging', () => {
  it('reads every ad across several pages, following paging.next until it is absent', async () => {
    const { client } = makeClient({ pageSize: 2 });
    const ads = await client.listAds(ACCOUNT);
    expect(ads.map((a) => a.id).sort()).toEqual(['110', '111', '120', '121', '130', '131', '140']);
    const pages = (await graphCalls()).filter((c) => c.path === `/${ACCOUNT}/ads`);
    expect(pages).toHaveLength(4);
    expect(pages[0]!.query.after).toBeUndefined();
    expect(pages.slice(1).every((p) => p.query.after)).toBe(true);
  });

  it('returns the same insights rows whatever the page size', async () => {
    const query = {
      accountId: ACCOUNT,
      level: 'ad' as const,
      fields: ['ad_id', 'spend', 'impressions'],
      timeRange: { since: '2026-11-13', until: '2026-11-19' },
      timeIncrement: 1,
    };
    const small = await makeClient({ pageSize: 10 }).client.insights(query);
    const large = await makeClient().client.insights(query);
    expect(small).toHaveLength(49);
    expect(small).toEqual(large);
    expect((await graphCalls()).filter((c) => c.path === `/${ACCOUNT}/insights`)).toHaveLength(5 + 1);
  });
});

describe('error verdicts, from faults injected into the simulator', () => {
  const read = (client: MetaClient) => client.getAdAccount(ACCOUNT);
  const accountCalls = async () => (await graphCalls()).filter((c) => c.path === `/${ACCOUNT}`);

  it.each([
    ['code 2 (service)', { code: 2, message: 'Service temporarily unavailable', is_transient: true }],
    ['code 1 (unknown)', { code: 1, message: 'An unknown error occurred' }],
    [
      'is_transient on another code',
      { code: 100, error_subcode: 1234, message: 'Temporary', is_transient: true },
    ],
  ])('retries a read after %s and succeeds', async (_name, error) => {
    await admin('POST', '/__sim/faults', { method: 'GET', path: `^/${ACCOUNT}$`, times: 2, error });
    const { client, slept } = makeClient();
    await expect(read(client)).resolves.toMatchObject({ id: ACCOUNT, currency: 'USD' });
    expect(await accountCalls()).toHaveLength(3);
    expect(slept).toHaveLength(2);
  });

  it.each([
    [
      '80004 (ads management BUC)',
      `^/${ACCOUNT}$`,
      { code: 80004, error_subcode: 2446079, message: '(#80004) too many calls' },
    ],
    [
      '80000 (ads insights BUC)',
      `^/${ACCOUNT}/insights$`,
      { code: 80000, error_subcode: 2446079, message: '(#80000) too many calls' },
    ],
    [
      '17 (user limit)',
      `^/${ACCOUNT}$`,
      { code: 17, error_subcode: 2446079, message: '(#17) User request limit reached' },
    ],
    [
      '613 (rate limit)',
      `^/${ACCOUNT}$`,
      { code: 613, error_subcode: 1487742, message: '(#613) too many calls' },
    ],
    [
      '4 (app limit)',
      `^/${ACCOUNT}/insights$`,
      { code: 4, message: '(#4) Application request limit reached' },
    ],
  ])('backs off after %s, then succeeds', async (_name, path, error) => {
    await admin('POST', '/__sim/faults', { method: 'GET', path, times: 1, error });
    const { client, slept } = makeClient();
    if (path.endsWith('insights$')) {
      await expect(
        client.insights({ accountId: ACCOUNT, level: 'campaign', fields: ['spend'] }),
      ).resolves.toHaveLength(2);
    } else {
      await expect(read(client)).resolves.toMatchObject({ id: ACCOUNT });
    }
    expect((await graphCalls()).map((c) => c.error_code)).toEqual([error.code, null]);
    // No estimate from Meta (the simulator's budget is far from spent): the default one-minute block.
    expect(slept).toEqual([60_000]);
  });

  it.each([
    [
      'reauthenticate',
      { code: 190, error_subcode: 463, message: 'Error validating access token: Session has expired' },
    ],
    ['reauthenticate', { code: 102, message: 'Session key invalid' }],
    ['permission', { code: 10, message: '(#10) Application does not have permission for this action' }],
    ['permission', { code: 200, message: '(#200) Permissions error' }],
    ['permission', { code: 294, message: '(#294) Managing advertisements requires ads_management' }],
    ['invalid', { code: 100, error_subcode: 33, message: 'Unsupported get request' }],
    ['invalid', { code: 368, message: 'The action attempted has been deemed abusive' }],
    ['invalid', { code: 2635, message: '(#2635) You are calling a deprecated version of the Ads API' }],
  ])('never retries a %s error (%j)', async (verdict, error) => {
    await admin('POST', '/__sim/faults', { method: 'GET', path: `^/${ACCOUNT}$`, times: 5, error });
    const { client } = makeClient();
    const err = await read(client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetaApiError);
    expect((err as MetaApiError).verdict).toBe(verdict);
    expect((err as MetaApiError).metaCode).toBe(error.code);
    expect((err as MetaApiError).fbtraceId).toBeTruthy();
    expect(await accountCalls()).toHaveLength(1);
  });

  it('gives up on a fault that keeps failing, after the configured attempts', async () => {
    await admin('POST', '/__sim/faults', {
      method: 'GET',
      path: `^/${ACCOUNT}$`,
      times: 10,
      error: { code: 2, message: 'down' },
    });
    const { client } = makeClient({ retry: { maxAttempts: 3 } });
    await expect(read(client)).rejects.toMatchObject({ verdict: 'retry', code: 'meta_transient' });
    expect(await accountCalls()).toHaveLength(3);
  });

  it('tells the operator to reconnect when the token was revoked', async () => {
    const { client } = makeClient({ accessToken: REVOKED_TOKEN });
    const err = (await read(client).catch((e: unknown) => e)) as MetaApiError;
    expect(err.verdict).toBe('reauthenticate');
    expect(err.message).toContain('metabuyer connect');
    expect(err.message).not.toContain(REVOKED_TOKEN);
  });

  it('tells the operator the token has expired (the read-only token expires on 2027-01-15)', async () => {
    await setSimNow(AFTER_READONLY_EXPIRY);
    const { client } = makeClient({ accessToken: READONLY_TOKEN });
    const err = (await read(client).catch((e: unknown) => e)) as MetaApiError;
    expect(err.code).toBe('meta_token_expired');
    expect(err.message).toContain('The Meta access token has expired. Reconnect with `metabuyer connect`');
    expect(await accountCalls()).toHaveLength(1);
  });

  it('reports a missing permission when a read-only token tries to write', async () => {
    await setSimNow(BEFORE_READONLY_EXPIRY);
    const { client } = makeClient({ accessToken: READONLY_TOKEN });
    const err = (await client.setStatus('11', 'PAUSED').catch((e: unknown) => e)) as MetaApiError;
    expect(err.verdict).toBe('permission');
    expect((await simObject('11')).status).toBe('ACTIVE');
  });

  it('calls a retired API version a configuration error', async () => {
    const { client } = makeClient({ apiVersion: 'v23.0' });
    const err = (await read(client).catch((e: unknown) => e)) as MetaApiError;
    expect(err.code).toBe('meta_unsupported_version');
    expect(err.verdict).toBe('invalid');
    expect(err.message).toContain('META_API_VERSION');
  });
});

describe('throttling and recovery', () => {
  const limitAccount = (calls: number) =>
    admin('POST', '/__sim/limits', {
      calls_per_hour: calls,
      account_id: ACCOUNT,
      use_case: 'ads_management',
    });

  it('stops before Meta throttles, and never sends a call Meta would refuse', async () => {
    await limitAccount(3);
    const { client, clock } = makeClient();
    for (let i = 0; i < 3; i++) await client.getAdAccount(ACCOUNT);
    // The third answer said 100 % used, regain in 60 minutes: the fourth call is not even sent.
    const err = await client.getAdAccount(ACCOUNT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetaThrottledError);
    expect((err as MetaThrottledError).retryAfterMs).toBeGreaterThan(55 * 60_000);
    const calls = await graphCalls();
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.error_code === null)).toBe(true);
    // An hour later the budget has refilled.
    clock.advance(61 * 60_000);
    await admin('POST', '/__sim/clock', { advance_hours: 61 / 60 });
    await expect(client.getAdAccount(ACCOUNT)).resolves.toMatchObject({ id: ACCOUNT });
  });

  it('waits out a throttle inside the call when allowed to wait that long', async () => {
    await limitAccount(2);
    const { client, slept } = makeClient({ retry: { maxBackOffWaitMs: 2 * HOUR_MS } });
    for (let i = 0; i < 3; i++) await client.getAdAccount(ACCOUNT);
    const calls = await graphCalls();
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.error_code === null)).toBe(true);
    expect(Math.max(...slept)).toBeGreaterThanOrEqual(59 * 60_000);
  });

  it('after a real 80004 with estimated_time_to_regain_access, waits that long, then recovers', async () => {
    await limitAccount(2);
    // Another worker that does not share our usage store spends the account's budget.
    const other = makeClient({ usageStore: new InMemoryUsageStore() });
    await other.client.getAdAccount(ACCOUNT);
    await other.client.getAdAccount(ACCOUNT);
    const { client, slept } = makeClient({ retry: { maxBackOffWaitMs: 2 * HOUR_MS } });
    await expect(client.getAdAccount(ACCOUNT)).resolves.toMatchObject({ id: ACCOUNT });
    const calls = await graphCalls();
    expect(calls.map((c) => c.error_code)).toEqual([null, null, 80004, null]);
    // Meta said 60 minutes (the oldest call leaves the rolling hour then): exactly that wait.
    expect(slept).toEqual([60 * 60_000]);
  });

  it('hands a long throttle back to the caller with when to come back, after one refused call', async () => {
    await limitAccount(1);
    await makeClient({ usageStore: new InMemoryUsageStore() }).client.getAdAccount(ACCOUNT);
    const { client } = makeClient();
    const err = (await client.getAdAccount(ACCOUNT).catch((e: unknown) => e)) as MetaApiError;
    expect(err).toBeInstanceOf(MetaApiError);
    expect(err.verdict).toBe('back_off');
    expect(err.metaCode).toBe(80004);
    expect(err.retryAfterMs).toBe(60 * 60_000);
    await expect(client.getAdAccount(ACCOUNT)).rejects.toBeInstanceOf(MetaThrottledError);
    expect((await graphCalls()).map((c) => c.error_code)).toEqual([null, 80004]);
  });

  it('slows down as usage passes 75 %', async () => {
    await limitAccount(10);
    const { client, slept } = makeClient();
    for (let i = 0; i < 10; i++) await client.getAdAccount(ACCOUNT);
    // Nothing below 75 %; after the answers at 80 % and 90 %, pauses that grow with usage.
    expect(slept).toEqual([800, 7_200]);
  });
});

describe('batch', () => {
  it('returns per-item results with failed items as MetaApiErrors, retries null reads, never resends a null write', async () => {
    // Delay-only faults make batch items time out: Meta answers them with null.
    await admin('POST', '/__sim/faults', { method: 'GET', path: '^/12$', times: 1, delay_ms: 10 });
    await admin('POST', '/__sim/faults', { method: 'POST', path: '^/14$', times: 1, delay_ms: 10 });
    const { client } = makeClient();
    const results = await client.batch(
      [
        { method: 'GET', path: '11', params: { fields: 'id,name,daily_budget' } },
        { method: 'GET', path: '99999999', params: { fields: 'id' } },
        { method: 'GET', path: '12', params: { fields: 'id,name' } },
        { method: 'POST', path: '14', params: { status: 'PAUSED' } },
      ],
      { accountId: ACCOUNT },
    );
    expect(results[0]).toMatchObject({
      ok: true,
      data: { id: '11', name: 'Broad US 25-54', daily_budget: '15000' },
    });
    expect(results[1]).toMatchObject({ ok: false, outcome: 'failed' });
    const failed = (results[1] as unknown as { error: MetaApiError }).error;
    expect(failed).toBeInstanceOf(MetaApiError);
    expect(failed.verdict).toBe('invalid');
    expect(results[2]).toMatchObject({ ok: true, data: { id: '12', name: 'Lookalike purchasers 1%' } });
    expect(results[3]).toMatchObject({ ok: false, outcome: 'unknown' });
    const calls = await graphCalls();
    expect(calls.filter((c) => c.path === '/' && c.in_batch === undefined)).toHaveLength(2);
    expect(calls.filter((c) => c.path === '/12')).toHaveLength(2);
    expect(calls.filter((c) => c.path === '/14')).toHaveLength(1);
  });

  it('splits 60 requests into batches of 50 and 10', async () => {
    const { client } = makeClient();
    const ids = ['10', '11', '12', '13', '14', '15'];
    const requests = Array.from({ length: 60 }, (_, i) => ({
      method: 'GET' as const,
      path: ids[i % 6]!,
      params: { fields: 'id' },
    }));
    const results = await client.batch(requests);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => (r.ok ? (r.data as { id: string }).id : ''))).toEqual(
      requests.map((r) => r.path),
    );
    const outer = (await graphCalls()).filter((c) => c.path === '/' && c.in_batch === undefined);
    expect(outer.map((c) => (JSON.parse(String(c.body?.batch)) as unknown[]).length)).toEqual([50, 10]);
  });
});

describe('async insights reports', () => {
  const daily = {
    accountId: ACCOUNT,
    level: 'ad' as const,
    fields: ['ad_id', 'spend', 'actions'],
    timeRange: { since: '2026-11-13', until: '2026-11-19' },
    timeIncrement: 1,
  };

  it('runs a report, polls it to "Job Completed" at 100 %, and pages the same rows as a sync call', async () => {
    const { client, slept } = makeClient();
    const viaAsync = await client.insights(daily, 'async');
    const runCalls = await graphCalls();
    const viaSync = await makeClient().client.insights(daily, 'sync');
    expect(viaAsync).toEqual(viaSync);
    expect(viaAsync).toHaveLength(49);
    const runId = runCalls.find((c) => c.method === 'POST')!;
    expect(runCalls.map((c) => `${c.method} ${c.path.replace(/^\/\d+/, '/RUN')}`)).toEqual([
      `POST /${ACCOUNT}/insights`,
      'GET /RUN',
      'GET /RUN',
      'GET /RUN',
      'GET /RUN/insights',
    ]);
    expect(runId.body).toMatchObject({ level: 'ad', time_increment: '1' });
    expect(slept).toEqual([1000, 1500, 2250]);
  });

  it('switches to an async report when Meta says the sync request is too big', async () => {
    await admin('POST', '/__sim/limits', { sync_insights_row_limit: 10 });
    const { client } = makeClient();
    const rows = await client.insights(daily);
    expect(rows).toHaveLength(49);
    const calls = await graphCalls();
    expect(calls[0]).toMatchObject({ method: 'GET', path: `/${ACCOUNT}/insights`, error_code: 1 });
    expect(calls[1]).toMatchObject({ method: 'POST', path: `/${ACCOUNT}/insights` });
  });

  it('resubmits a report that failed once', async () => {
    await admin('POST', '/__sim/report-failures', { count: 1 });
    const { client } = makeClient();
    await expect(client.insights(daily, 'async')).resolves.toHaveLength(49);
    expect((await graphCalls()).filter((c) => c.method === 'POST')).toHaveLength(2);
  });

  it("reports Meta's error when the resubmitted report fails too", async () => {
    await admin('POST', '/__sim/report-failures', {
      count: 2,
      error_code: 2,
      error_message: 'Service unavailable',
    });
    const { client } = makeClient();
    const err = (await client.insights(daily, 'async').catch((e: unknown) => e)) as MetaApiError;
    expect(err).toBeInstanceOf(MetaApiError);
    expect(err.metaCode).toBe(2);
    expect((await graphCalls()).filter((c) => c.method === 'POST')).toHaveLength(2);
  });
});

describe('writes', () => {
  it('applies a status change and a budget change, and reads them back live', async () => {
    const { client } = makeClient();
    await expect(client.setStatus('110', 'PAUSED', { accountId: ACCOUNT })).resolves.toMatchObject({
      outcome: 'applied',
    });
    await expect(client.setDailyBudget('11', 12_000, { accountId: ACCOUNT })).resolves.toMatchObject({
      outcome: 'applied',
    });
    expect((await simObject('110')).status).toBe('PAUSED');
    await expect(client.getLive('11', 'adset')).resolves.toMatchObject({
      status: 'ACTIVE',
      dailyBudget: 12_000,
    });
    await expect(client.getLive('110', 'ad')).resolves.toMatchObject({ status: 'PAUSED', dailyBudget: null });
  });

  it('never retries a write whose outcome is unknown (applied, then the connection dropped)', async () => {
    await admin('POST', '/__sim/faults', { method: 'POST', path: '^/11$', times: 1, apply_then_fail: true });
    const { client } = makeClient();
    const result = await client.setDailyBudget('11', 17_500, { accountId: ACCOUNT });
    expect(result.outcome).toBe('unknown');
    const writes = (await graphCalls()).filter((c) => c.method === 'POST');
    expect(writes).toHaveLength(1);
    // The write did take effect: only reading live state can tell, which is what the caller must do.
    await expect(client.getLive('11', 'adset')).resolves.toMatchObject({ dailyBudget: 17_500 });
  });

  it('never retries a write whose outcome is unknown (applied, then no answer before the timeout)', async () => {
    await admin('POST', '/__sim/faults', {
      method: 'POST',
      path: '^/110$',
      times: 1,
      apply_then_fail: true,
      delay_ms: 3_000,
    });
    const { client } = makeClient({ timeoutMs: 1_000 });
    const result = await client.setStatus('110', 'PAUSED');
    expect(result).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    expect((await graphCalls()).filter((c) => c.method === 'POST')).toHaveLength(1);
    expect((await simObject('110')).status).toBe('PAUSED');
  });

  it('never re-sends a write Meta answered with a transient error: it may have applied', async () => {
    await admin('POST', '/__sim/faults', {
      method: 'POST',
      path: '^/11$',
      times: 1,
      apply_then_fail: true,
      error: { code: 2, message: 'Service temporarily unavailable', is_transient: true },
    });
    const { client } = makeClient();
    await expect(client.setDailyBudget('11', 16_000)).rejects.toMatchObject({ verdict: 'retry' });
    expect((await graphCalls()).filter((c) => c.method === 'POST').map((c) => c.error_code)).toEqual([2]);
    expect((await simObject('11')).daily_budget).toBe(16_000);
  });

  it('retries a write Meta throttled, since a throttle refuses it before it runs', async () => {
    await admin('POST', '/__sim/faults', {
      method: 'POST',
      path: '^/11$',
      times: 1,
      error: {
        code: 613,
        error_subcode: 1487742,
        message: 'There have been too many calls from this ad-account.',
      },
    });
    const { client } = makeClient();
    await expect(client.setDailyBudget('11', 16_000)).resolves.toMatchObject({ outcome: 'applied' });
    expect((await graphCalls()).filter((c) => c.method === 'POST').map((c) => c.error_code)).toEqual([
      613,
      null,
    ]);
  });

  it('validate_only changes nothing', async () => {
    const { client } = makeClient();
    const before = await simObject('11');
    await expect(client.setDailyBudget('11', 99_000, { validateOnly: true })).resolves.toEqual({
      outcome: 'validated',
      id: '11',
    });
    await expect(client.setStatus('11', 'PAUSED', { validateOnly: true })).resolves.toMatchObject({
      outcome: 'validated',
    });
    expect(await simObject('11')).toEqual(before);
    const posts = (await graphCalls()).filter((c) => c.method === 'POST');
    expect(posts.every((c) => c.body?.execution_options === '["validate_only"]')).toBe(true);
  });

  it('surfaces a rule Meta enforces (budget on the wrong level) with Meta’s own words', async () => {
    const { client } = makeClient();
    const err = (await client.setDailyBudget('14', 5_000).catch((e: unknown) => e)) as MetaApiError;
    expect(err).toBeInstanceOf(MetaApiError);
    expect(err.code).toBe('meta_budget_level_conflict');
    expect(err.message).toContain('Meta says');
  });

  it('sees a change made outside MetaBuyer (drift) when reading live state', async () => {
    await admin('POST', '/__sim/mutate', { id: '12', fields: { daily_budget: 4_200, status: 'PAUSED' } });
    const { client } = makeClient();
    await expect(client.getLive('12', 'adset')).resolves.toEqual({
      id: '12',
      level: 'adset',
      status: 'PAUSED',
      effectiveStatus: 'PAUSED',
      dailyBudget: 4_200,
    });
  });

  it('refuses to archive, before any call', async () => {
    const { client } = makeClient();
    await expect(client.setStatus('11', 'ARCHIVED' as 'PAUSED')).rejects.toMatchObject({
      code: 'meta_write_refused',
    });
    expect(await graphCalls()).toHaveLength(0);
  });

  it('seeds a sandbox: a PAUSED campaign, ad set, creative and ad', async () => {
    const { client } = makeClient();
    const campaign = await client.createCampaign(ACCOUNT, { name: 'Seed campaign' });
    if (campaign.outcome !== 'applied') throw new Error(`campaign: ${campaign.outcome}`);
    const adSet = await client.createAdSet(ACCOUNT, {
      name: 'Seed ad set',
      campaignId: campaign.id,
      dailyBudget: 1_000,
    });
    if (adSet.outcome !== 'applied') throw new Error(`ad set: ${adSet.outcome}`);
    const creative = await client.createAdCreative(ACCOUNT, {
      name: 'Seed creative',
      pageId: '300000000000001',
      link: 'https://example.com/',
    });
    if (creative.outcome !== 'applied') throw new Error(`creative: ${creative.outcome}`);
    const ad = await client.createAd(ACCOUNT, {
      name: 'Seed ad',
      adsetId: adSet.id,
      creativeId: creative.id,
    });
    if (ad.outcome !== 'applied') throw new Error(`ad: ${ad.outcome}`);
    for (const id of [campaign.id, adSet.id, ad.id]) expect((await simObject(id)).status).toBe('PAUSED');
    const created = (await graphCalls()).find((c) => c.path === `/${ACCOUNT}/campaigns`)!;
    expect(created.body?.special_ad_categories).toBe('["NONE"]');
  });
});

describe('identity', () => {
  it('inspects the token with the app token and reads its scopes', async () => {
    const { client } = makeClient();
    const info = await client.debugToken();
    expect(info).toMatchObject({ isValid: true, type: 'SYSTEM_USER', appId: APP.appId, expiresAt: null });
    expect(info.scopes).toEqual(expect.arrayContaining(['ads_read', 'ads_management']));
    const debugCall = (await graphCalls())[0]!;
    expect(debugCall.path).toBe('/debug_token');
  });

  it('falls back to the token inspecting itself when no app secret is configured', async () => {
    await setSimNow(BEFORE_READONLY_EXPIRY);
    const { client } = makeClient({ appSecret: undefined, accessToken: READONLY_TOKEN });
    const info = await client.debugToken();
    expect(info.isValid).toBe(true);
    expect(info.scopes).toEqual(['ads_read']);
    expect(info.expiresAt?.toISOString()).toBe(new Date(1800000000 * 1000).toISOString());
    const call = (await graphCalls())[0]!;
    expect(call.query.appsecret_proof).toBeUndefined();
  });

  it('reports a revoked token as invalid rather than failing', async () => {
    const { client } = makeClient();
    const info = await client.debugToken(REVOKED_TOKEN);
    expect(info.isValid).toBe(false);
    expect(info.error?.code).toBe(190);
  });

  it('lists permissions, ad accounts and pages', async () => {
    const { client } = makeClient();
    const permissions = await client.getPermissions();
    expect(permissions).toEqual(
      expect.arrayContaining([{ permission: 'ads_management', status: 'granted' }]),
    );
    expect((await client.listAdAccounts()).map((a) => a.id)).toContain(ACCOUNT);
    expect((await client.listPages()).map((p) => p.id)).toContain('300000000000001');
  });

  it('exchanges an OAuth code and a short-lived token', async () => {
    await setSimNow(BEFORE_READONLY_EXPIRY);
    const { client } = makeClient();
    const fromCode = await client.exchangeCode({
      code: `code-${READONLY_TOKEN}`,
      redirectUri: 'https://example.com/cb',
    });
    expect(fromCode.accessToken).toBe(READONLY_TOKEN);
    const longLived = await client.exchangeForLongLivedToken(READONLY_TOKEN);
    expect(longLived.accessToken).not.toBe(READONLY_TOKEN);
    expect(longLived.expiresIn).toBeGreaterThan(50 * 86_400);
    const longLivedClient = client.withAccessToken(longLived.accessToken);
    open.push(longLivedClient);
    expect((await longLivedClient.getPermissions()).map((p) => p.permission)).toEqual(['ads_read']);
  });
});

describe('readAccountSnapshot on seed-demo', () => {
  it('reads the account in 9 calls: last_7d spend 284319 cents, 19 purchases, purchase value 344026', async () => {
    const { client } = makeClient();
    const snap = await readAccountSnapshot(client, { adAccountId: ACCOUNT, takenAt: NOW });
    const campaignRows = snap.windowRows.filter((r) => r.level === 'campaign');
    const sum = (k: 'spend' | 'purchases' | 'purchaseValue') => campaignRows.reduce((s, r) => s + r[k], 0);
    expect(sum('spend')).toBe(284_319);
    expect(sum('purchases')).toBe(19);
    expect(sum('purchaseValue')).toBe(344_026);
    expect(snap.purchaseActionType).toBe('omni_purchase');
    expect(snap.window).toEqual({ preset: 'last_7d', since: '2026-11-13', until: '2026-11-19' });
    expect(snap.account).toEqual({
      id: ACCOUNT,
      name: 'Demo Store US',
      currency: 'USD',
      timezone: 'America/New_York',
      accountStatus: 1,
      minDailyBudget: 100,
    });
    // Every level adds up to the same account totals: nothing counted twice.
    for (const level of ['adset', 'ad'] as const) {
      const rows = snap.windowRows.filter((r) => r.level === level);
      expect(rows.reduce((s, r) => s + r.spend, 0)).toBe(284_319);
      expect(rows.reduce((s, r) => s + r.purchases, 0)).toBe(19);
    }
    expect(await graphCalls()).toHaveLength(9);
    expect(snap.dailyRows.some((r) => r.level === 'ad')).toBe(false);
  });

  it('reads ad-level daily rows too when asked, in one more paged read', async () => {
    const { client } = makeClient();
    const snap = await readAccountSnapshot(client, {
      adAccountId: ACCOUNT,
      takenAt: NOW,
      dailyLevels: ['campaign', 'adset', 'ad'],
    });
    expect(snap.dailyRows.filter((r) => r.level === 'ad')).toHaveLength(7 * 7);
    expect(await graphCalls()).toHaveLength(10);
  });

  it('matches the snapshot the scenario describes, row for row', async () => {
    const { client } = makeClient();
    const snap = await readAccountSnapshot(client, {
      adAccountId: ACCOUNT,
      takenAt: NOW,
      dailyLevels: ['campaign', 'adset', 'ad'],
    });
    const expected = snapshotFromScenario(loadScenario(SEED_DEMO_PATH));
    const key = (r: { level: string; entityId: string; date?: string }) =>
      `${r.level}:${r.entityId}:${r.date ?? ''}`;
    const sorted = <T extends { level: string; entityId: string; date?: string }>(rows: T[]) =>
      [...rows].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(snap.windowRows)).toEqual(sorted(expected.windowRows));
    expect(sorted(snap.dailyRows)).toEqual(sorted(expected.dailyRows));
    expect(snap.entities.map((e) => `${e.level}:${e.id}`).sort()).toEqual(
      expected.entities.map((e) => `${e.level}:${e.id}`).sort(),
    );
    const adset15 = snap.entities.find((e) => e.id === '15')!;
    expect(adset15).toMatchObject({
      level: 'adset',
      campaignId: '13',
      learningStage: 'LEARNING',
      dailyBudget: null,
    });
    const campaign13 = snap.entities.find((e) => e.id === '13')!;
    expect(campaign13.dailyBudget).toBe(16_000);
  });

  it('reads ad-level insights through async reports for a large account, and gets the same snapshot', async () => {
    const all = ['campaign', 'adset', 'ad'] as const;
    const sync = await readAccountSnapshot(makeClient().client, {
      adAccountId: ACCOUNT,
      takenAt: NOW,
      dailyLevels: all,
    });
    await admin('POST', '/__sim/reset');
    const viaAsync = await readAccountSnapshot(makeClient().client, {
      adAccountId: ACCOUNT,
      takenAt: NOW,
      asyncAboveAds: 5,
      dailyLevels: all,
    });
    // The same data; only the instant Meta answered (its Date header) moves on between the two reads.
    expect({ ...viaAsync, metaNow: sync.metaNow }).toEqual(sync);
    // One report run for the ad-level window, one for the ad-level days.
    expect((await graphCalls()).filter((c) => c.method === 'POST')).toHaveLength(2);
  });
});
