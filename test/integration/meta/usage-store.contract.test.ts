import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryUsageStore, type UsageStore } from '../../../src/meta/usage-store.js';
import { RedisUsageStore } from '../../../src/meta/usage-store-redis.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// One prefix per run, so parallel runs and leftovers never meet.
const RUN_PREFIX = `metabuyer-test:usage:${randomUUID()}`;
const TTL = 60_000;
const T0 = Date.parse('2026-11-20T15:00:00Z');

const connections: Redis[] = [];
function redis(): Redis {
  const r = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  connections.push(r);
  return r;
}

afterAll(async () => {
  const r = redis();
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${RUN_PREFIX}:*`, 'COUNT', 500);
    if (keys.length) await r.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await Promise.all(connections.map((c) => c.quit()));
});

interface Impl {
  name: string;
  make: (prefix: string) => UsageStore;
}

const implementations: Impl[] = [
  { name: 'in-memory', make: () => new InMemoryUsageStore({ usageTtlMs: TTL }) },
  { name: 'redis', make: (prefix) => new RedisUsageStore({ redis: redis(), prefix, usageTtlMs: TTL }) },
];

const mgmt = { accountId: 'act_1', useCase: 'ads_management' };
const insights = { accountId: 'act_1', useCase: 'ads_insights' };
const other = { accountId: 'act_2', useCase: 'ads_management' };

describe.each(implementations)('UsageStore contract: $name', ({ make }) => {
  let store: UsageStore;
  let prefix: string;
  beforeEach(() => {
    prefix = `${RUN_PREFIX}:${randomUUID()}`;
    store = make(prefix);
  });
  afterEach(async () => {
    await store.clear(mgmt);
  });

  it('knows nothing about a scope it has not been told about', async () => {
    expect(await store.read(mgmt, T0)).toEqual({ usedPct: null, observedAtMs: null, blockedUntilMs: null });
  });

  it('remembers the latest usage reading', async () => {
    await store.recordUsage(mgmt, 40, T0);
    await store.recordUsage(mgmt, 82.5, T0 + 1000);
    expect(await store.read(mgmt, T0 + 2000)).toEqual({
      usedPct: 82.5,
      observedAtMs: T0 + 1000,
      blockedUntilMs: null,
    });
  });

  it('keeps the newest observation when readings arrive out of order', async () => {
    await store.recordUsage(mgmt, 90, T0 + 5000);
    await store.recordUsage(mgmt, 10, T0 + 1000);
    expect((await store.read(mgmt, T0 + 6000)).usedPct).toBe(90);
  });

  it('forgets a reading older than its time to live', async () => {
    await store.recordUsage(mgmt, 99, T0);
    expect((await store.read(mgmt, T0 + TTL)).usedPct).toBe(99);
    expect((await store.read(mgmt, T0 + TTL + 1)).usedPct).toBeNull();
  });

  it('blocks a scope until the given time and no longer', async () => {
    await store.blockUntil(mgmt, T0 + 120_000, T0);
    expect((await store.read(mgmt, T0 + 119_999)).blockedUntilMs).toBe(T0 + 120_000);
    expect((await store.read(mgmt, T0 + 120_000)).blockedUntilMs).toBeNull();
  });

  it('keeps the later of two blocks, even when they race', async () => {
    await Promise.all([
      store.blockUntil(mgmt, T0 + 300_000, T0),
      store.blockUntil(mgmt, T0 + 60_000, T0),
      store.blockUntil(mgmt, T0 + 180_000, T0),
    ]);
    await store.blockUntil(mgmt, T0 + 1_000, T0);
    expect((await store.read(mgmt, T0)).blockedUntilMs).toBe(T0 + 300_000);
  });

  it('keeps accounts and use cases apart', async () => {
    await store.blockUntil(insights, T0 + 60_000, T0);
    await store.recordUsage(other, 77, T0);
    expect(await store.read(mgmt, T0)).toEqual({ usedPct: null, observedAtMs: null, blockedUntilMs: null });
    expect((await store.read(insights, T0)).blockedUntilMs).toBe(T0 + 60_000);
    expect((await store.read(other, T0)).usedPct).toBe(77);
    await store.clear(insights);
    await store.clear(other);
  });

  it('forgets a scope when cleared', async () => {
    await store.recordUsage(mgmt, 50, T0);
    await store.blockUntil(mgmt, T0 + 60_000, T0);
    await store.clear(mgmt);
    expect(await store.read(mgmt, T0)).toEqual({ usedPct: null, observedAtMs: null, blockedUntilMs: null });
  });
});

describe('RedisUsageStore across processes', () => {
  it('lets every worker see a block set by one of them', async () => {
    const prefix = `${RUN_PREFIX}:${randomUUID()}`;
    const workerA = new RedisUsageStore({ redis: redis(), prefix });
    const workerB = new RedisUsageStore({ redis: redis(), prefix });
    await workerA.blockUntil(mgmt, T0 + 600_000, T0);
    await workerA.recordUsage(insights, 88, T0);
    expect((await workerB.read(mgmt, T0 + 1)).blockedUntilMs).toBe(T0 + 600_000);
    expect((await workerB.read(insights, T0 + 1)).usedPct).toBe(88);
  });

  it('puts a prefix and a time to live on every key it writes', async () => {
    const prefix = `${RUN_PREFIX}:${randomUUID()}`;
    const r = redis();
    const store = new RedisUsageStore({ redis: r, prefix, usageTtlMs: TTL });
    await store.recordUsage(mgmt, 10, T0);
    await store.blockUntil(mgmt, T0 + 60_000, T0);
    const keys = await r.keys(`${prefix}:*`);
    expect(keys.sort()).toEqual([
      `${prefix}:block:act_1:ads_management`,
      `${prefix}:usage:act_1:ads_management`,
    ]);
    for (const k of keys) expect(await r.pttl(k)).toBeGreaterThan(0);
  });
});
