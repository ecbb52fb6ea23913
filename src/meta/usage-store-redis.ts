import type { Redis } from 'ioredis';
import {
  DEFAULT_USAGE_TTL_MS,
  scopeKey,
  type UsageScope,
  type UsageState,
  type UsageStore,
} from './usage-store.js';

// Keep the later of two blocks atomically: two workers can be told about the same throttle at once.
const BLOCK_UNTIL_MAX = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local new = tonumber(ARGV[1])
if new > cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

// Newest observation wins, as in the in-memory store.
const RECORD_USAGE = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local sep = string.find(cur, ':')
  local at = tonumber(string.sub(cur, 1, sep - 1))
  if at and at > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
return 1`;

/**
 * The usage store shared by every process: keys `<prefix>:usage:<account>:<use case>` hold
 * `<observedAtMs>:<pct>` and `<prefix>:block:<account>:<use case>` hold the epoch ms a throttle ends.
 * Both carry a TTL so abandoned accounts cost nothing; freshness is still judged against the caller's
 * clock, so a fake clock in tests behaves the same as with the in-memory store.
 */
export class RedisUsageStore implements UsageStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly usageTtlMs: number;

  constructor(opts: { redis: Redis; prefix?: string; usageTtlMs?: number }) {
    this.redis = opts.redis;
    this.prefix = opts.prefix ?? 'metabuyer:meta';
    this.usageTtlMs = opts.usageTtlMs ?? DEFAULT_USAGE_TTL_MS;
  }

  private usageKey(scope: UsageScope): string {
    return `${this.prefix}:usage:${scopeKey(scope)}`;
  }

  private blockKey(scope: UsageScope): string {
    return `${this.prefix}:block:${scopeKey(scope)}`;
  }

  async read(scope: UsageScope, nowMs: number): Promise<UsageState> {
    const [usage, block] = await this.redis.mget(this.usageKey(scope), this.blockKey(scope));
    let usedPct: number | null = null;
    let observedAtMs: number | null = null;
    if (usage) {
      const sep = usage.indexOf(':');
      const at = Number(usage.slice(0, sep));
      const pct = Number(usage.slice(sep + 1));
      if (sep > 0 && Number.isFinite(at) && Number.isFinite(pct) && nowMs - at <= this.usageTtlMs) {
        usedPct = pct;
        observedAtMs = at;
      }
    }
    const until = block ? Number(block) : Number.NaN;
    return { usedPct, observedAtMs, blockedUntilMs: Number.isFinite(until) && until > nowMs ? until : null };
  }

  async recordUsage(scope: UsageScope, usedPct: number, nowMs: number): Promise<void> {
    await this.redis.eval(
      RECORD_USAGE,
      1,
      this.usageKey(scope),
      String(Math.round(nowMs)),
      String(usedPct),
      String(this.usageTtlMs),
    );
  }

  async blockUntil(scope: UsageScope, untilMs: number, nowMs: number): Promise<void> {
    // The TTL outlives the block a little so a reader with a slightly slow clock still sees it.
    const ttl = Math.max(1_000, Math.ceil(untilMs - nowMs) + 60_000);
    await this.redis.eval(BLOCK_UNTIL_MAX, 1, this.blockKey(scope), String(Math.round(untilMs)), String(ttl));
  }

  async clear(scope: UsageScope): Promise<void> {
    await this.redis.del(this.usageKey(scope), this.blockKey(scope));
  }
}
