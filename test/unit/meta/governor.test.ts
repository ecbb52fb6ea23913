import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { DEFAULT_GOVERNOR_POLICY } from '../../../src/meta/config.js';
import { MetaThrottledError } from '../../../src/meta/errors.js';
import {
  slowDownDelayMs,
  throttledScopeFor,
  throttledScopesFor,
  UsageGovernor,
} from '../../../src/meta/governor.js';
import { InMemoryUsageStore } from '../../../src/meta/usage-store.js';

const policy = {
  ...DEFAULT_GOVERNOR_POLICY,
  slowDownFromPct: 75,
  maxSlowDownMs: 20_000,
  defaultBlockMs: 60_000,
};

function setup(maxWaitMs = 120_000) {
  const clock = new ManualClock('2026-11-20T15:00:00Z');
  const slept: number[] = [];
  const store = new InMemoryUsageStore();
  const governor = new UsageGovernor({
    store,
    clock,
    policy,
    logger: silentLogger,
    maxWaitMs,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    },
  });
  return { clock, slept, store, governor };
}

const buc = (account: string, type: string, pct: number, minutes = 0) => ({
  'x-business-use-case-usage': JSON.stringify({
    [account]: [
      { type, call_count: pct, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: minutes },
    ],
  }),
});

describe('slow-down maths', () => {
  it('adds no delay below 75 %', () => {
    expect(slowDownDelayMs(0, policy)).toBe(0);
    expect(slowDownDelayMs(74.9, policy)).toBe(0);
    expect(slowDownDelayMs(75, policy)).toBe(0);
  });

  it('grows with usage, slowly at first and steeply near the limit', () => {
    expect(slowDownDelayMs(80, policy)).toBe(800); // (5/25)^2 × 20 s
    expect(slowDownDelayMs(87.5, policy)).toBe(5000);
    expect(slowDownDelayMs(95, policy)).toBe(12_800);
    const delays = [76, 80, 85, 90, 95, 99].map((p) => slowDownDelayMs(p, policy));
    expect([...delays].sort((a, b) => a - b)).toEqual(delays);
    expect(new Set(delays).size).toBe(delays.length);
  });

  it('waits the most at and above 100 %', () => {
    expect(slowDownDelayMs(100, policy)).toBe(20_000);
    expect(slowDownDelayMs(250, policy)).toBe(20_000);
  });
});

describe('usage governor', () => {
  it('does not wait when Meta reports low usage', async () => {
    const { governor, slept } = setup();
    await governor.observe(buc('1', 'ads_management', 40), 'act_1');
    await governor.beforeCall({ accountId: 'act_1', useCase: 'ads_management' });
    expect(slept).toEqual([]);
  });

  it('slows down the account and use case that is running hot, and only that one', async () => {
    const { governor, slept } = setup();
    await governor.observe(buc('1', 'ads_insights', 90), 'act_1');
    await governor.beforeCall({ accountId: 'act_1', useCase: 'ads_insights' });
    expect(slept).toEqual([slowDownDelayMs(90, policy)]);
    await governor.beforeCall({ accountId: 'act_1', useCase: 'ads_management' });
    await governor.beforeCall({ accountId: 'act_2', useCase: 'ads_insights' });
    expect(slept).toHaveLength(1);
  });

  it('slows every account down when the app as a whole is running hot', async () => {
    const { governor, slept } = setup();
    await governor.observe({ 'x-app-usage': '{"call_count":95,"total_time":10,"total_cputime":10}' });
    await governor.beforeCall({ accountId: 'act_9', useCase: 'ads_management' });
    expect(slept).toEqual([slowDownDelayMs(95, policy)]);
  });

  it('stops until estimated_time_to_regain_access, then calls again', async () => {
    const { governor, slept, clock } = setup();
    await governor.observe(buc('1', 'ads_management', 100, 2), 'act_1');
    await governor.beforeCall({ accountId: 'act_1', useCase: 'ads_management' });
    expect(slept).toEqual([120_000]);
    expect(clock.now().toISOString()).toBe('2026-11-20T15:02:00.000Z');
  });

  it('refuses to call, without waiting, when the block is longer than a call may wait', async () => {
    const { governor, slept } = setup(60_000);
    await governor.observe(buc('1', 'ads_insights', 100, 30), 'act_1');
    const err = await governor.beforeCall({ accountId: 'act_1', useCase: 'ads_insights' }).catch((e) => e);
    expect(err).toBeInstanceOf(MetaThrottledError);
    expect(err.verdict).toBe('back_off');
    expect(err.retryAfterMs).toBe(30 * 60_000);
    expect(slept).toEqual([]);
  });

  it('blocks for the default time when Meta throttles without saying for how long', async () => {
    const { governor, slept } = setup();
    const ms = await governor.onThrottled(17, undefined, { accountId: 'act_1', useCase: 'ads_management' });
    expect(ms).toBe(60_000);
    await governor.beforeCall({ accountId: 'act_1', useCase: 'ads_management' });
    expect(slept).toEqual([60_000]);
  });

  it('charges a BUC throttle to the use case its code names, and code 4 to the whole app', () => {
    const call = { accountId: 'act_1', useCase: 'ads_management' };
    expect(throttledScopeFor(80000, call)).toEqual({ accountId: 'act_1', useCase: 'ads_insights' });
    expect(throttledScopeFor(80004, { ...call, useCase: 'ads_insights' })).toEqual({
      accountId: 'act_1',
      useCase: 'ads_management',
    });
    expect(throttledScopeFor(4, call)).toEqual({ accountId: '*', useCase: 'app' });
    expect(throttledScopeFor(613, call)).toEqual(call);
  });

  it('blocks the throttled call’s own use case too, so it is never sent again at once', async () => {
    const insightsRead = { accountId: 'act_1', useCase: 'ads_insights' };
    expect(throttledScopesFor(80004, insightsRead)).toEqual([
      { accountId: 'act_1', useCase: 'ads_management' },
      { accountId: 'act_1', useCase: 'ads_insights' },
    ]);
    expect(throttledScopesFor(4, insightsRead)).toEqual([{ accountId: '*', useCase: 'app' }]);
    const { governor, slept } = setup();
    await governor.onThrottled(80004, 90_000, insightsRead);
    await governor.beforeCall(insightsRead);
    expect(slept).toEqual([90_000]);
  });

  it('doubles the default block with each throttle in a row when Meta gives no time', async () => {
    const { governor } = setup();
    const call = { accountId: 'act_1', useCase: 'ads_management' };
    expect(await governor.onThrottled(613, undefined, call, 1)).toBe(60_000);
    expect(await governor.onThrottled(613, undefined, call, 2)).toBe(120_000);
    expect(await governor.onThrottled(613, undefined, call, 3)).toBe(240_000);
  });

  it('forgets a usage reading once it is too old to describe now', async () => {
    const { governor, slept, clock } = setup();
    await governor.observe(buc('1', 'ads_management', 99), 'act_1');
    clock.advance(DEFAULT_GOVERNOR_POLICY.usageTtlMs + 1);
    await governor.beforeCall({ accountId: 'act_1', useCase: 'ads_management' });
    expect(slept).toEqual([]);
  });
});
