import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { silentLogger } from '../lib/logger.js';
import { DEFAULT_PURCHASE_ACTION_TYPES } from './purchases.js';
import { InMemoryUsageStore, type UsageStore } from './usage-store.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A throttle that Meta says lasts longer than this is not slept through inside one call: the error goes
   * back to the caller (a job can be rescheduled; a worker thread should not sit idle for minutes).
   */
  maxBackOffWaitMs: number;
}

export interface GovernorPolicy {
  /** Usage (percent of Meta's budget) from which calls are spaced out. */
  slowDownFromPct: number;
  /** The pause before a call when usage reaches 100 %. */
  maxSlowDownMs: number;
  /** How long a throttle blocks when Meta gives no estimated_time_to_regain_access. */
  defaultBlockMs: number;
  /** A usage reading older than this says nothing about now. */
  usageTtlMs: number;
}

export interface AsyncReportPolicy {
  firstPollMs: number;
  maxPollMs: number;
  /** Give up on a report run that has not finished after this long (Meta: up to an hour). */
  maxWaitMs: number;
}

export interface MetaClientOptions {
  /** Default https://graph.facebook.com. */
  graphUrl?: string;
  /** Default v26.0. */
  apiVersion?: string;
  appId?: string;
  appSecret?: string;
  accessToken: string;
  /** Per HTTP call. Default 60 s. */
  timeoutMs?: number;
  logger?: Logger;
  clock?: Clock;
  /** Every wait goes through this, so tests can run throttles and backoff instantly. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source (0 ≤ x < 1). */
  random?: () => number;
  usageStore?: UsageStore;
  retry?: Partial<RetryPolicy>;
  governor?: Partial<GovernorPolicy>;
  asyncReports?: Partial<AsyncReportPolicy>;
  /** Which purchase action type counts, in order of preference. */
  purchaseActionTypes?: readonly string[];
  /** `limit` asked of list edges and insights. */
  pageSize?: number;
}

export interface MetaConfig {
  graphUrl: string;
  apiVersion: string;
  appId: string | undefined;
  appSecret: string | undefined;
  accessToken: string;
  timeoutMs: number;
  logger: Logger;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  usageStore: UsageStore;
  retry: RetryPolicy;
  governor: GovernorPolicy;
  asyncReports: AsyncReportPolicy;
  purchaseActionTypes: readonly string[];
  pageSize: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxBackOffWaitMs: 120_000,
};

export const DEFAULT_GOVERNOR_POLICY: GovernorPolicy = {
  slowDownFromPct: 75,
  maxSlowDownMs: 20_000,
  defaultBlockMs: 60_000,
  usageTtlMs: 10 * 60_000,
};

export const DEFAULT_ASYNC_REPORT_POLICY: AsyncReportPolicy = {
  firstPollMs: 1_000,
  maxPollMs: 30_000,
  maxWaitMs: 60 * 60_000,
};

// Meta documents no maximum `limit`; 500 keeps pages well under a megabyte while cutting calls 20x
// against the default of 25.
export const DEFAULT_PAGE_SIZE = 500;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export function resolveMetaConfig(opts: MetaClientOptions): MetaConfig {
  if (!opts.accessToken) {
    throw new AppError({
      code: 'config_missing',
      verdict: 'invalid',
      message: 'No Meta access token is configured. Connect an account with `metabuyer connect`.',
    });
  }
  const apiVersion = opts.apiVersion ?? 'v26.0';
  if (!/^v\d{1,3}\.\d$/.test(apiVersion)) {
    throw new AppError({
      code: 'config_invalid',
      verdict: 'invalid',
      message: `META_API_VERSION must look like v26.0 (got "${apiVersion}")`,
    });
  }
  return {
    graphUrl: (opts.graphUrl ?? 'https://graph.facebook.com').replace(/\/+$/, ''),
    apiVersion,
    appId: opts.appId || undefined,
    appSecret: opts.appSecret || undefined,
    accessToken: opts.accessToken,
    timeoutMs: opts.timeoutMs ?? 60_000,
    logger: opts.logger ?? silentLogger,
    clock: opts.clock ?? systemClock,
    sleep: opts.sleep ?? realSleep,
    random: opts.random ?? Math.random,
    usageStore: opts.usageStore ?? new InMemoryUsageStore(),
    retry: { ...DEFAULT_RETRY_POLICY, ...opts.retry },
    governor: { ...DEFAULT_GOVERNOR_POLICY, ...opts.governor },
    asyncReports: { ...DEFAULT_ASYNC_REPORT_POLICY, ...opts.asyncReports },
    purchaseActionTypes: opts.purchaseActionTypes?.length
      ? [...opts.purchaseActionTypes]
      : [...DEFAULT_PURCHASE_ACTION_TYPES],
    pageSize: opts.pageSize ?? DEFAULT_PAGE_SIZE,
  };
}
