import { addInto, zeroSums } from './metrics.js';
import type { DeliverySums, Level, Snapshot } from './snapshot.js';

/** The account over the decision window: the run report's first line. Money in minor units. */
export interface RunSummary {
  spend: number;
  impressions: number;
  clicks: number;
  purchases: number;
  purchaseValue: number;
  /** Minor units, rounded; null with no purchases. */
  cpa: number | null;
  /** Rounded to 4 places; null with no spend. */
  roas: number | null;
}

/**
 * Sums the campaign-level window rows (every campaign's spend is the account's), falling back to ad
 * sets, then ads, when a snapshot carries no rows at the higher level. Ratios from the sums.
 */
export function summarize(snapshot: Snapshot): RunSummary {
  const total = zeroSums();
  const levels: Level[] = ['campaign', 'adset', 'ad'];
  const level = levels.find((l) => snapshot.windowRows.some((r) => r.level === l));
  for (const row of snapshot.windowRows) if (row.level === level) addInto(total, row as DeliverySums);
  return {
    spend: total.spend,
    impressions: total.impressions,
    clicks: total.clicks,
    purchases: total.purchases,
    purchaseValue: total.purchaseValue,
    cpa: total.purchases > 0 ? Math.round(total.spend / total.purchases) : null,
    roas: total.spend > 0 ? Math.round((total.purchaseValue / total.spend) * 10_000) / 10_000 : null,
  };
}
