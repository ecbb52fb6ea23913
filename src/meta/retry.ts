import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { RetryPolicy } from './config.js';
import { MetaNetworkError, MetaThrottledError, WriteOutcomeUnknownError } from './errors.js';

/**
 * Retries with jittered exponential backoff, for reads and for writes that are known not to have taken
 * effect. A write is retried only when Meta throttled it (verdict back_off: refused before anything ran)
 * or when the connection was never made. A write that may
 * have reached Meta without an answer arrives here as WriteOutcomeUnknownError and is never retried.
 */

export type CallKind = 'read' | 'write';
export type RetryDecision = 'retry' | 'back_off' | 'stop';

/** "Equal jitter": half the exponential step for certain, half at random, so retries never bunch at zero. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export function retryDecision(
  err: unknown,
  kind: CallKind,
  opts: { retryTimeouts?: boolean } = {},
): RetryDecision {
  if (err instanceof WriteOutcomeUnknownError) return 'stop';
  // The governor refused to call at all; the block outlasts what a call may wait.
  if (err instanceof MetaThrottledError) return 'stop';
  if (!(err instanceof AppError)) return 'stop';
  if (err instanceof MetaNetworkError) {
    if (kind === 'write' && err.mayHaveReachedMeta) return 'stop';
    if (err.kind === 'timeout' && opts.retryTimeouts === false) return 'stop';
  }
  if (err.verdict === 'back_off') return 'back_off';
  // Meta's "unexpected" and "temporary" errors (1, 2, is_transient) can come after a write was applied,
  // so they do not prove it was not: a write is never re-sent on them. Throttles (back_off) are refusals
  // made before anything runs, and are safe to wait out.
  if (err.verdict === 'retry') return kind === 'write' ? 'stop' : 'retry';
  return 'stop';
}

export interface RetryOptions {
  kind: CallKind;
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  logger: Logger;
  /** For logs only; must already be free of credentials. */
  describe: string;
  retryTimeouts?: boolean;
  /** Called on a back_off error; records the block and returns how long it lasts. */
  onBackOff?: (err: AppError, attempt: number) => Promise<number>;
}

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const max = Math.max(1, opts.policy.maxAttempts);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const decision = retryDecision(err, opts.kind, { retryTimeouts: opts.retryTimeouts ?? true });
      if (decision === 'stop' || attempt >= max) throw err;
      const e = err as AppError;
      if (decision === 'back_off') {
        const blockMs = opts.onBackOff
          ? await opts.onBackOff(e, attempt)
          : (e.retryAfterMs ?? opts.policy.maxDelayMs);
        // Too long to wait inside one call: hand it to the caller, whose job can be rescheduled.
        if (blockMs > opts.policy.maxBackOffWaitMs) throw err;
        // With a governor the wait happens in its beforeCall, shared with every other caller of the scope.
        if (!opts.onBackOff) await opts.sleep(blockMs);
      } else {
        const delay = backoffDelayMs(attempt, opts.policy, opts.random);
        opts.logger.warn('meta: retrying', { call: opts.describe, attempt, delay_ms: delay, code: e.code });
        await opts.sleep(delay);
      }
    }
  }
}
