import type { DeliverySums } from './snapshot.js';

/**
 * Every ratio is derived here from additive sums (Σspend / Σpurchases, Σvalue / Σspend…), never by
 * averaging per-row ratios: the average of two ad sets' CPAs is not the CPA of the two together.
 * A ratio whose denominator is zero is null, as Meta omits it.
 */
export interface Metrics extends DeliverySums {
  /** Minor units per purchase (not rounded). */
  cpa: number | null;
  /** Purchase value / spend. */
  roas: number | null;
  /** Clicks (all) per impression, as a fraction (0.004 = 0.4 %). Meta's `ctr` is this × 100. */
  ctr: number | null;
  /** Link clicks per impression, as a fraction. */
  linkCtr: number | null;
  /** Minor units per 1 000 impressions. */
  cpm: number | null;
  /** Minor units per click (all). */
  cpc: number | null;
  /** Impressions per person reached. */
  frequency: number | null;
}

export function zeroSums(): DeliverySums {
  return { spend: 0, impressions: 0, reach: 0, clicks: 0, linkClicks: 0, purchases: 0, purchaseValue: 0 };
}

/**
 * Adds `b` into `a` in place. Reach is not additive (the same person can be reached on two days or by
 * two ads), so it is added here only where a caller has no better figure; callers that have Meta's
 * de-duplicated reach for the total use that instead.
 */
export function addInto(a: DeliverySums, b: DeliverySums): DeliverySums {
  a.spend += b.spend;
  a.impressions += b.impressions;
  a.reach += b.reach;
  a.clicks += b.clicks;
  a.linkClicks += b.linkClicks;
  a.purchases += b.purchases;
  a.purchaseValue += b.purchaseValue;
  return a;
}

/**
 * `a − b` for the additive fields, floored at zero (inconsistent inputs must not produce negative
 * spend); reach stays `a`'s, since a part's reach cannot be subtracted from a whole's.
 */
export function subtractSums(a: DeliverySums, b: DeliverySums): DeliverySums {
  return {
    spend: Math.max(0, a.spend - b.spend),
    impressions: Math.max(0, a.impressions - b.impressions),
    reach: a.reach,
    clicks: Math.max(0, a.clicks - b.clicks),
    linkClicks: Math.max(0, a.linkClicks - b.linkClicks),
    purchases: Math.max(0, a.purchases - b.purchases),
    purchaseValue: Math.max(0, a.purchaseValue - b.purchaseValue),
  };
}

export function isEmptySums(s: DeliverySums): boolean {
  return s.spend === 0 && s.impressions === 0 && s.clicks === 0 && s.purchases === 0 && s.purchaseValue === 0;
}

const ratio = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;

export function deriveMetrics(s: DeliverySums): Metrics {
  return {
    spend: s.spend,
    impressions: s.impressions,
    reach: s.reach,
    clicks: s.clicks,
    linkClicks: s.linkClicks,
    purchases: s.purchases,
    purchaseValue: s.purchaseValue,
    cpa: ratio(s.spend, s.purchases),
    roas: ratio(s.purchaseValue, s.spend),
    ctr: ratio(s.clicks, s.impressions),
    linkCtr: ratio(s.linkClicks, s.impressions),
    cpm: s.impressions > 0 ? (s.spend * 1000) / s.impressions : null,
    cpc: ratio(s.spend, s.clicks),
    frequency: ratio(s.impressions, s.reach),
  };
}
