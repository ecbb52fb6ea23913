import { chiSquareQuantile } from './chi-square.js';

/**
 * Purchases in a window are treated as a Poisson count: with k purchases, the exact one-sided bounds at
 * confidence c on the expected count λ are
 *   λ_up  = χ²(c; 2k + 2) / 2        (λ ≤ λ_up with probability c)
 *   λ_low = χ²(1 − c; 2k) / 2        (λ ≥ λ_low with probability c; 0 when k = 0)
 * and with spend S the CPA bounds are S / λ_up (lower) and S / λ_low (upper, unbounded when k = 0).
 * "Confidently worse than target T" is S / λ_up > T; "confidently better" is S / λ_low < T.
 */
export interface PoissonBounds {
  confidence: number;
  count: number;
  lower: number;
  upper: number;
}

// Quantiles depend only on (confidence, k); an account of 100 000 ads has only a few hundred distinct
// purchase counts, so a cache turns ~200 000 root solves into a few hundred. Indexed by k per confidence
// level (no string keys on the hot path); bounded so a long-lived process cannot grow it without limit.
const boundsCache = new Map<number, PoissonBounds[]>();
const CACHE_LIMIT = 20_000;

export function poissonBounds(count: number, confidence: number): PoissonBounds {
  let byCount = boundsCache.get(confidence);
  const cached = byCount?.[count];
  if (cached) return cached;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`Purchase count must be a whole number ≥ 0: ${count}`);
  if (!(confidence > 0.5 && confidence < 1))
    throw new RangeError(`Confidence must be in (0.5, 1): ${confidence}`);
  const bounds: PoissonBounds = {
    confidence,
    count,
    lower: count === 0 ? 0 : chiSquareQuantile(1 - confidence, 2 * count) / 2,
    upper: chiSquareQuantile(confidence, 2 * count + 2) / 2,
  };
  if (!byCount || boundsCache.size > 8) {
    if (boundsCache.size > 8) boundsCache.clear();
    byCount = [];
    boundsCache.set(confidence, byCount);
  }
  if (count < CACHE_LIMIT) byCount[count] = bounds;
  return bounds;
}

export interface CpaBounds {
  confidence: number;
  purchases: number;
  /** Minor units. */
  spend: number;
  /** Observed CPA (minor units); null with no purchases. */
  cpa: number | null;
  /** S / λ_up: the CPA is at least this (with the stated confidence). */
  cpaLow: number;
  /** S / λ_low: the CPA is at most this; null when unbounded (no purchases). */
  cpaHigh: number | null;
}

export function cpaBounds(spend: number, purchases: number, confidence: number): CpaBounds {
  const lambda = poissonBounds(purchases, confidence);
  return {
    confidence,
    purchases,
    spend,
    cpa: purchases > 0 ? spend / purchases : null,
    cpaLow: spend / lambda.upper,
    cpaHigh: lambda.lower > 0 ? spend / lambda.lower : null,
  };
}

/** The CPA is above target with the stated confidence. */
export function isConfidentlyWorse(bounds: CpaBounds, targetCpa: number): boolean {
  return bounds.cpaLow > targetCpa;
}

/** The CPA is below target with the stated confidence. */
export function isConfidentlyBetter(bounds: CpaBounds, targetCpa: number): boolean {
  return bounds.cpaHigh !== null && bounds.cpaHigh < targetCpa;
}

/** 0.9 → "90 %", 0.975 → "97.5 %" (the spaced percent sign the reports use). */
export function formatConfidence(confidence: number): string {
  return `${Number((confidence * 100).toFixed(4))} %`;
}
