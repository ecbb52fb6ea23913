import { lastCompleteDay, trailingDays } from './dates.js';
import { addInto, zeroSums } from './metrics.js';
import type { DailyRow, DeliverySums, Level, Snapshot } from './snapshot.js';

/** One complete day of delivery. Days without a row are zero (Meta sends no row for a silent day). */
export interface DailyPoint extends DeliverySums {
  date: string;
}

/** entity id → date → sums. */
export type DailyIndex = Map<string, Map<string, DeliverySums>>;

/** The default length of a daily series: the last 14 complete days. */
export const DAILY_SERIES_DAYS = 14;

/**
 * Indexes daily rows by entity and date, keeping only the levels asked for (an engine that reads
 * campaign and ad set series need not touch a million ad-day rows). Duplicate rows are summed, so the
 * result does not depend on row order.
 */
export function indexDailyRows(rows: readonly DailyRow[], levels: ReadonlySet<Level>): DailyIndex {
  const index: DailyIndex = new Map();
  for (const row of rows) {
    if (!levels.has(row.level)) continue;
    let byDate = index.get(row.entityId);
    if (!byDate) {
      byDate = new Map();
      index.set(row.entityId, byDate);
    }
    const existing = byDate.get(row.date);
    if (existing) addInto(existing, row);
    else byDate.set(row.date, addInto(zeroSums(), row));
  }
  return index;
}

/**
 * What the rules read of the daily rows, in one pass: campaign and ad set days by entity, and the
 * account's days (campaign rows summed by date). Ad-day rows, the bulk of a large snapshot, are skipped.
 * Rows are kept as given and copied only when a duplicate must be summed into them.
 */
export function indexRuleDays(rows: readonly DailyRow[]): {
  byEntity: DailyIndex;
  account: Map<string, DeliverySums>;
} {
  const byEntity: DailyIndex = new Map();
  const account = new Map<string, DeliverySums>();
  for (const row of rows) {
    if (row.level === 'ad') continue;
    let byDate = byEntity.get(row.entityId);
    if (!byDate) {
      byDate = new Map();
      byEntity.set(row.entityId, byDate);
    }
    const existing = byDate.get(row.date);
    byDate.set(row.date, existing ? addInto(addInto(zeroSums(), existing), row) : row);
    if (row.level !== 'campaign') continue;
    const day = account.get(row.date);
    if (day) addInto(day, row);
    else account.set(row.date, addInto(zeroSums(), row));
  }
  return { byEntity, account };
}

function pointOf(date: string, s: DeliverySums | undefined): DailyPoint {
  return s
    ? {
        date,
        spend: s.spend,
        impressions: s.impressions,
        reach: s.reach,
        clicks: s.clicks,
        linkClicks: s.linkClicks,
        purchases: s.purchases,
        purchaseValue: s.purchaseValue,
      }
    : { date, ...zeroSums() };
}

/** One entity's figures on the given dates (oldest first), zero-filled. */
export function seriesFromIndex(index: DailyIndex, entityId: string, dates: readonly string[]): DailyPoint[] {
  const byDate = index.get(entityId);
  return dates.map((date) => pointOf(date, byDate?.get(date)));
}

/**
 * The account's own days: campaign-level rows summed by date (every campaign's, including ones no
 * longer listed, since their spend was the account's). Reach is summed too and so over-counts people
 * reached by two campaigns on one day; no rule reads account reach.
 */
export function indexAccountDays(rows: readonly DailyRow[]): Map<string, DeliverySums> {
  const byDate = new Map<string, DeliverySums>();
  for (const row of rows) {
    if (row.level !== 'campaign') continue;
    const existing = byDate.get(row.date);
    if (existing) addInto(existing, row);
    else byDate.set(row.date, addInto(zeroSums(), row));
  }
  return byDate;
}

export function accountSeriesFromIndex(
  byDate: ReadonlyMap<string, DeliverySums>,
  dates: readonly string[],
): DailyPoint[] {
  return dates.map((date) => pointOf(date, byDate.get(date)));
}

/** The last 14 complete days (in the account's time zone, as of the snapshot) for one entity. */
export function entityDailySeries(
  snapshot: Snapshot,
  entityId: string,
  days = DAILY_SERIES_DAYS,
): DailyPoint[] {
  const entity = snapshot.entities.find((e) => e.id === entityId);
  const levels = new Set<Level>(entity ? [entity.level] : ['campaign', 'adset', 'ad']);
  const lastDay = lastCompleteDay(snapshot.takenAt, snapshot.account.timezone);
  return seriesFromIndex(indexDailyRows(snapshot.dailyRows, levels), entityId, trailingDays(lastDay, days));
}

/** The last 14 complete days for the whole account. */
export function accountDailySeries(snapshot: Snapshot, days = DAILY_SERIES_DAYS): DailyPoint[] {
  const lastDay = lastCompleteDay(snapshot.takenAt, snapshot.account.timezone);
  return accountSeriesFromIndex(indexAccountDays(snapshot.dailyRows), trailingDays(lastDay, days));
}
