/**
 * What the engine sees of an ad account at one moment: metadata for every object, and delivery sums per
 * object for the decision window and per day. Built at the edge (src/meta/normalize.ts) from Meta's
 * responses; everything here is already a number, and money is integer minor units of the account
 * currency (cents for USD, yen for JPY). Purchases are counted once, under one chosen action type.
 */
export type Level = 'campaign' | 'adset' | 'ad';
export const LEVELS: readonly Level[] = ['campaign', 'adset', 'ad'];

/** Meta's configured status. MetaBuyer only ever writes ACTIVE or PAUSED. */
export type ConfiguredStatus = 'ACTIVE' | 'PAUSED' | 'ARCHIVED' | 'DELETED';
export type LearningStage = 'LEARNING' | 'SUCCESS' | 'FAIL';

export interface AccountInfo {
  /** `act_<digits>` */
  id: string;
  name: string;
  /** ISO 4217, e.g. USD, JPY. */
  currency: string;
  timezone: string;
  /** Meta's account_status (1 = active). */
  accountStatus: number;
  /** Minor units. */
  minDailyBudget: number;
}

export interface EntityMeta {
  id: string;
  level: Level;
  name: string;
  /** The campaign of an ad set or ad; the campaign's own id for a campaign. */
  campaignId: string;
  /** The ad set of an ad; null for campaigns and ad sets. */
  adsetId: string | null;
  status: ConfiguredStatus;
  /** Meta's effective_status (ACTIVE, PAUSED, CAMPAIGN_PAUSED, ADSET_PAUSED, WITH_ISSUES, …). */
  effectiveStatus: string;
  /** Minor units; null when this object holds no daily budget. */
  dailyBudget: number | null;
  /** Ad sets only. */
  learningStage: LearningStage | null;
  /** Ad sets only: ISO time of the last significant edit, or null if unknown / never. */
  lastSignificantEditAt: string | null;
}

/** Additive delivery sums. Ratios are always derived from these, never averaged. */
export interface DeliverySums {
  /** Minor units. */
  spend: number;
  impressions: number;
  /** Reach is not additive across days or children: Meta's own de-duplicated figure for the row. */
  reach: number;
  clicks: number;
  linkClicks: number;
  purchases: number;
  /** Minor units. */
  purchaseValue: number;
}

export interface WindowRow extends DeliverySums {
  entityId: string;
  level: Level;
}

export interface DailyRow extends DeliverySums {
  entityId: string;
  level: Level;
  /** Local date in the account time zone, YYYY-MM-DD. */
  date: string;
}

export interface DateWindow {
  /** The preset asked of Meta (last_7d…), or 'custom'. */
  preset: string;
  /** Inclusive local dates, YYYY-MM-DD. */
  since: string;
  until: string;
}

export interface Snapshot {
  account: AccountInfo;
  /** ISO time the snapshot was taken: the engine's "now". */
  takenAt: string;
  /**
   * The account's today (YYYY-MM-DD, its time zone) by Meta's clock when the snapshot was read: the data's
   * days end the day before. Meta is the clock of its data, and ours may differ from it. Absent (older
   * snapshots): taken from takenAt.
   */
  metaToday?: string;
  /** The instant (ISO) of Meta's clock when the snapshot was read: how old its days are, e.g. for conversion lag. */
  metaNow?: string;
  /** The decision window. */
  window: DateWindow;
  /** The purchase action type chosen for counts, values and ROAS (omni_purchase…). */
  purchaseActionType: string;
  entities: EntityMeta[];
  /** One row per entity with delivery in the decision window, at each level. */
  windowRows: WindowRow[];
  /** One row per entity per complete day, for at least the last 14 complete days, at each level. */
  dailyRows: DailyRow[];
}
