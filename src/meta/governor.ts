import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { GovernorPolicy } from './config.js';
import { MetaThrottledError } from './errors.js';
import {
  APP_SCOPE_ACCOUNT,
  APP_USE_CASE,
  normalizeAccountId,
  parseUsageHeaders,
  type UsageReading,
} from './usage-headers.js';
import type { UsageScope, UsageStore } from './usage-store.js';

/** What a call spends: which ad account's budget (when known) and which use case. */
export interface CallScope {
  accountId?: string | undefined;
  useCase: string;
}

/**
 * The pause before a call at a given usage: nothing below `slowDownFromPct`, then growing with the square
 * of the distance into the red zone, so 80 % costs little and 95 % a lot, up to `maxSlowDownMs` at 100 %.
 */
export function slowDownDelayMs(
  usedPct: number,
  policy: Pick<GovernorPolicy, 'slowDownFromPct' | 'maxSlowDownMs'>,
): number {
  if (!Number.isFinite(usedPct) || usedPct < policy.slowDownFromPct) return 0;
  if (usedPct >= 100) return policy.maxSlowDownMs;
  const x = (usedPct - policy.slowDownFromPct) / (100 - policy.slowDownFromPct);
  return Math.round(policy.maxSlowDownMs * x * x);
}

const USE_CASE_OF_CODE: Record<number, string> = {
  80000: 'ads_insights',
  80003: 'custom_audience',
  80004: 'ads_management',
  80014: 'catalog_batch',
  80009: 'catalog_management',
};

/**
 * Which budget a throttle error exhausted. Codes 80000–80014 name their use case; code 4 is the app-wide
 * limit; the rest (17, 613, 32, 341) are charged to the scope of the call that met them.
 */
export function throttledScopeFor(metaCode: number | null | undefined, call: CallScope): UsageScope {
  if (metaCode === 4 || !call.accountId) return { accountId: APP_SCOPE_ACCOUNT, useCase: APP_USE_CASE };
  const useCase = (metaCode !== null && metaCode !== undefined && USE_CASE_OF_CODE[metaCode]) || call.useCase;
  return { accountId: normalizeAccountId(call.accountId), useCase };
}

/**
 * Every scope a throttle blocks: the one its code names, and always the scope of the call that met it.
 * Meta does not always throttle a call under the use case we file it under (an 80004 "ads management"
 * answer to an insights read): blocking only the named use case would let the very same call go again
 * at once, which is the hammering Meta warns still counts against the account.
 */
export function throttledScopesFor(metaCode: number | null | undefined, call: CallScope): UsageScope[] {
  const named = throttledScopeFor(metaCode, call);
  if (!call.accountId || named.accountId === APP_SCOPE_ACCOUNT) return [named];
  const own = { accountId: normalizeAccountId(call.accountId), useCase: call.useCase };
  return own.useCase === named.useCase ? [named] : [named, own];
}

function scopesOf(call: CallScope): UsageScope[] {
  const app: UsageScope = { accountId: APP_SCOPE_ACCOUNT, useCase: APP_USE_CASE };
  return call.accountId
    ? [{ accountId: normalizeAccountId(call.accountId), useCase: call.useCase }, app]
    : [app];
}

export interface GovernorDeps {
  store: UsageStore;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  policy: GovernorPolicy;
  logger: Logger;
  /** A block longer than this is not waited out inside a call: the call fails with MetaThrottledError. */
  maxWaitMs: number;
}

/**
 * Spends Meta's call budget carefully: reads the usage headers of every response into the shared store,
 * spaces calls out as usage climbs, and stops calling a throttled account and use case until Meta says
 * access returns — calls made while throttled still count against the account.
 */
export class UsageGovernor {
  constructor(private readonly deps: GovernorDeps) {}

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  /** Waits as usage requires; throws MetaThrottledError rather than wait longer than `maxWaitMs`. */
  async beforeCall(call: CallScope): Promise<void> {
    const { store, policy, logger, sleep, maxWaitMs } = this.deps;
    const scopes = scopesOf(call);
    const now = this.now();
    const states = await Promise.all(scopes.map((s) => store.read(s, now)));
    let blockedUntil = 0;
    let blockedScope: UsageScope | undefined;
    let usedPct = 0;
    states.forEach((st, i) => {
      if (st.blockedUntilMs !== null && st.blockedUntilMs > blockedUntil) {
        blockedUntil = st.blockedUntilMs;
        blockedScope = scopes[i];
      }
      if (st.usedPct !== null && st.usedPct > usedPct) usedPct = st.usedPct;
    });
    if (blockedScope) {
      const wait = blockedUntil - now;
      if (wait > maxWaitMs) throw new MetaThrottledError(blockedScope, blockedUntil, now);
      logger.warn('meta: waiting out a throttle before calling', {
        ad_account_id: blockedScope.accountId,
        use_case: blockedScope.useCase,
        wait_ms: wait,
      });
      await sleep(wait);
      return;
    }
    const delay = slowDownDelayMs(usedPct, policy);
    if (delay > 0) {
      logger.info('meta: slowing down, usage is high', {
        used_pct: usedPct,
        delay_ms: delay,
        use_case: call.useCase,
      });
      await sleep(delay);
    }
  }

  /** Records the usage headers of a response; a header that says "throttled" sets the block. */
  async observe(headers: Record<string, unknown>, requestAccountId?: string): Promise<UsageReading[]> {
    const readings = parseUsageHeaders(headers, requestAccountId);
    if (readings.length === 0) return readings;
    const now = this.now();
    await Promise.all(
      readings.map(async (r) => {
        const scope = { accountId: r.accountId, useCase: r.useCase };
        await this.deps.store.recordUsage(scope, r.usedPct, now);
        if (r.regainAccessMs !== undefined)
          await this.deps.store.blockUntil(scope, now + r.regainAccessMs, now);
      }),
    );
    return readings;
  }

  /**
   * Meta answered with a throttle: block the exhausted scopes (see throttledScopesFor) for as long as
   * Meta said. When it did not say, back off exponentially from the policy's default, by how many times
   * in a row this call was throttled (the reference: "on 17, 613 or 4, back off exponentially").
   * Returns how long the block lasts.
   */
  async onThrottled(
    metaCode: number | null | undefined,
    retryAfterMs: number | undefined,
    call: CallScope,
    attempt = 1,
  ): Promise<number> {
    const scopes = throttledScopesFor(metaCode, call);
    const ms =
      retryAfterMs !== undefined && retryAfterMs > 0
        ? retryAfterMs
        : this.deps.policy.defaultBlockMs * 2 ** Math.max(0, Math.min(attempt - 1, 10));
    const now = this.now();
    await Promise.all(scopes.map((scope) => this.deps.store.blockUntil(scope, now + ms, now)));
    this.deps.logger.warn('meta: throttled', {
      ad_account_id: scopes[0]!.accountId,
      use_case: scopes.map((s) => s.useCase).join(','),
      meta_code: metaCode ?? null,
      block_ms: ms,
      from_meta: retryAfterMs !== undefined && retryAfterMs > 0,
    });
    return ms;
  }
}
