import { addDays, lastCompleteDay, trailingDays } from './dates.js';
import { addInto, zeroSums } from './metrics.js';
import type { DailyRow, DeliverySums, Level, Snapshot } from './snapshot.js';

/** One complete day of delivery. Days without a row are zero (Meta sends no row for a silent day). */
export interface DailyPoint extends DeliverySums {
  date: string;
}

/** The default length of a daily series: the last 14 complete days. */
export const DAILY_SERIES_DAYS = 14;

/**
 * Daily rows laid out on a fixed list of dates: per entity, one slot per date (undefined for a day
 * without a row), and the account's own days (campaign rows summed). Rows outside the dates, and rows of
 * levels not asked for, are skipped: an engine that reads campaign and ad set series need not index a
 * million ad-day rows. Duplicate rows are summed (into a copy: the snapshot is never modified), so the
 * result does not depend on row order.
 */
export interface DayIndex {
  /** Oldest first. */
  dates: readonly string[];
  byEntity: Map<string, (DeliverySums | undefined)[]>;
  account: (DeliverySums | undefined)[];
}

export function indexDays(
  rows: readonly DailyRow[],
  dates: readonly string[],
  levels: ReadonlySet<Level>,
): DayIndex {
  const slotOf = new Map(dates.map((d, i) => [d, i]));
  const byEntity = new Map<string, (DeliverySums | undefined)[]>();
  const account: (DeliverySums | undefined)[] = new Array(dates.length).fill(undefined);
  for (const row of rows) {
    if (!levels.has(row.level)) continue;
    const slot = slotOf.get(row.date);
    if (slot === undefined) continue;
    let days = byEntity.get(row.entityId);
    if (!days) {
      days = new Array(dates.length).fill(undefined);
      byEntity.set(row.entityId, days);
    }
    const existing = days[slot];
    days[slot] = existing ? addInto(addInto(zeroSums(), existing), row) : row;
    if (row.level !== 'campaign') continue;
    // The account's days: every campaign's spend was the account's. Reach is summed too and so
    // over-counts people reached by two campaigns on one day; no rule reads account reach.
    const day = account[slot];
    if (day) addInto(day, row);
    else account[slot] = addInto(zeroSums(), row);
  }
  return { dates, byEntity, account };
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

/** The last `days` of the index's dates for one entity, oldest first, zero-filled. */
export function entitySeries(index: DayIndex, entityId: string, days: number): DailyPoint[] {
  const slots = index.byEntity.get(entityId);
  const from = Math.max(0, index.dates.length - days);
  const out: DailyPoint[] = [];
  for (let i = from; i < index.dates.length; i++) out.push(pointOf(index.dates[i]!, slots?.[i]));
  return out;
}

/** The last `days` of the index's dates for the account, oldest first, zero-filled. */
export function accountSeries(index: DayIndex, days: number): DailyPoint[] {
  const from = Math.max(0, index.dates.length - days);
  const out: DailyPoint[] = [];
  for (let i = from; i < index.dates.length; i++) out.push(pointOf(index.dates[i]!, index.account[i]));
  return out;
}

/** The account's yesterday for its data: Meta's, when the snapshot knows it; else as of takenAt. */
export function snapshotLastCompleteDay(snapshot: Snapshot): string {
  return snapshot.metaToday
    ? addDays(snapshot.metaToday, -1)
    : lastCompleteDay(snapshot.takenAt, snapshot.account.timezone);
}

function lastDays(snapshot: Snapshot, days: number): string[] {
  return trailingDays(snapshotLastCompleteDay(snapshot), days);
}

/** The last 14 complete days (in the account's time zone, as of the snapshot) for one entity. */
export function entityDailySeries(
  snapshot: Snapshot,
  entityId: string,
  days = DAILY_SERIES_DAYS,
): DailyPoint[] {
  const level = snapshot.entities.find((e) => e.id === entityId)?.level;
  const levels = new Set<Level>(level ? [level] : ['campaign', 'adset', 'ad']);
  return entitySeries(indexDays(snapshot.dailyRows, lastDays(snapshot, days), levels), entityId, days);
}

/** The last 14 complete days for the whole account (campaign rows summed by date). */
export function accountDailySeries(snapshot: Snapshot, days = DAILY_SERIES_DAYS): DailyPoint[] {
  return accountSeries(indexDays(snapshot.dailyRows, lastDays(snapshot, days), new Set(['campaign'])), days);
}
