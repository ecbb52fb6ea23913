/**
 * Insights arithmetic, exactly as SCENARIO.md defines it. Sums are sums; reach is not additive:
 * - one ad over several days: max_day + 0.35 × (sum_days − max_day), rounded;
 * - several ads of a parent (ad set, campaign, account): max_child + 0.8 × (sum_children − max_child),
 *   rounded, where each child is an ad's rounded reach over the same days.
 */
import { reportedCount } from '../../domain/conversion-lag.js';
import type { Delivery } from '../model/delivery.js';

export interface Totals {
  impressions: number;
  reach: number;
  clicks: number;
  linkClicks: number;
  spend: number;
  purchases: number;
  purchaseValue: number;
}

export function hasDelivery(t: Totals): boolean {
  return t.impressions > 0 || t.spend > 0 || t.clicks > 0 || t.reach > 0 || t.purchases > 0;
}

/**
 * Totals of a set of delivery rows (ads) over inclusive local days [since, until].
 * @param asParent combine the ads' reach with the parent formula (any level above ad).
 * @param lag reported fraction per stored day (lag.ts): purchases of each ad-day are cut to what had
 *   arrived, and their value in proportion; undefined = report the matured figures.
 */
export function aggregate(
  d: Delivery,
  rows: readonly number[],
  since: number,
  until: number,
  asParent: boolean,
  lag?: Float64Array,
): Totals {
  const t: Totals = {
    impressions: 0,
    reach: 0,
    clicks: 0,
    linkClicks: 0,
    spend: 0,
    purchases: 0,
    purchaseValue: 0,
  };
  const from = Math.max(since, d.firstDay);
  const to = Math.min(until, d.firstDay + d.days - 1);
  let maxChild = 0;
  let sumChild = 0;
  for (const row of rows) {
    if (row < 0 || row >= d.rows || from > to) continue;
    const base = row * d.days - d.firstDay;
    let maxDay = 0;
    let sumDays = 0;
    for (let day = from; day <= to; day++) {
      const i = base + day;
      t.impressions += d.impressions[i] as number;
      t.clicks += d.clicks[i] as number;
      t.linkClicks += d.linkClicks[i] as number;
      t.spend += d.spend[i] as number;
      const purchases = d.purchases[i] as number;
      const fraction = lag === undefined ? 1 : (lag[day - d.firstDay] as number);
      if (fraction >= 1 || purchases === 0) {
        t.purchases += purchases;
        t.purchaseValue += d.purchaseValue[i] as number;
      } else {
        const reported = reportedCount(purchases, fraction);
        t.purchases += reported;
        t.purchaseValue += ((d.purchaseValue[i] as number) * reported) / purchases;
      }
      const r = d.reach[i] as number;
      sumDays += r;
      if (r > maxDay) maxDay = r;
    }
    const adReach = Math.round(maxDay + 0.35 * (sumDays - maxDay));
    sumChild += adReach;
    if (adReach > maxChild) maxChild = adReach;
  }
  t.reach = asParent ? Math.round(maxChild + 0.8 * (sumChild - maxChild)) : sumChild;
  return t;
}
