/**
 * Where the governor keeps what Meta has said about usage, per ad account and use case, so that every
 * worker calling Meta for the same account slows down and stops together. Two implementations: this
 * in-memory one (one process, tests) and RedisUsageStore (usage-store-redis.ts) for deployments.
 *
 * Times are passed in (`nowMs`) rather than read from a clock inside the store, so a store never
 * disagrees with the governor's clock; expiry by the store's backend is only garbage collection.
 */
export interface UsageScope {
  /** `act_<digits>`, or `*` for the whole app. */
  accountId: string;
  /** ads_management, ads_insights, … or `app`. */
  useCase: string;
}

export interface UsageState {
  /** The last usage percentage Meta reported, or null when none is recent enough to mean anything. */
  usedPct: number | null;
  observedAtMs: number | null;
  /** Meta has throttled this scope until then (epoch ms); null when not blocked. */
  blockedUntilMs: number | null;
}

export interface UsageStore {
  read(scope: UsageScope, nowMs: number): Promise<UsageState>;
  recordUsage(scope: UsageScope, usedPct: number, nowMs: number): Promise<void>;
  /** Blocks the scope until `untilMs`; an existing later block is kept. */
  blockUntil(scope: UsageScope, untilMs: number, nowMs: number): Promise<void>;
  clear(scope: UsageScope): Promise<void>;
}

export const DEFAULT_USAGE_TTL_MS = 10 * 60_000;

export function scopeKey(scope: UsageScope): string {
  return `${scope.accountId}:${scope.useCase}`;
}

interface Entry {
  usedPct: number | null;
  observedAtMs: number | null;
  blockedUntilMs: number | null;
}

export class InMemoryUsageStore implements UsageStore {
  private readonly entries = new Map<string, Entry>();
  private readonly usageTtlMs: number;

  constructor(opts: { usageTtlMs?: number } = {}) {
    this.usageTtlMs = opts.usageTtlMs ?? DEFAULT_USAGE_TTL_MS;
  }

  async read(scope: UsageScope, nowMs: number): Promise<UsageState> {
    const e = this.entries.get(scopeKey(scope));
    if (!e) return { usedPct: null, observedAtMs: null, blockedUntilMs: null };
    const fresh = e.observedAtMs !== null && nowMs - e.observedAtMs <= this.usageTtlMs;
    const blocked = e.blockedUntilMs !== null && e.blockedUntilMs > nowMs;
    return {
      usedPct: fresh ? e.usedPct : null,
      observedAtMs: fresh ? e.observedAtMs : null,
      blockedUntilMs: blocked ? e.blockedUntilMs : null,
    };
  }

  async recordUsage(scope: UsageScope, usedPct: number, nowMs: number): Promise<void> {
    const key = scopeKey(scope);
    const e = this.entries.get(key) ?? { usedPct: null, observedAtMs: null, blockedUntilMs: null };
    // Readings can arrive out of order from concurrent calls; the newest observation wins.
    if (e.observedAtMs === null || nowMs >= e.observedAtMs) {
      e.usedPct = usedPct;
      e.observedAtMs = nowMs;
    }
    this.entries.set(key, e);
  }

  async blockUntil(scope: UsageScope, untilMs: number, _nowMs: number): Promise<void> {
    const key = scopeKey(scope);
    const e = this.entries.get(key) ?? { usedPct: null, observedAtMs: null, blockedUntilMs: null };
    if (e.blockedUntilMs === null || untilMs > e.blockedUntilMs) e.blockedUntilMs = untilMs;
    this.entries.set(key, e);
  }

  async clear(scope: UsageScope): Promise<void> {
    this.entries.delete(scopeKey(scope));
  }
}
