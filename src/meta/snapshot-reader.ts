import type { DailyRow, EntityMeta, Level, Snapshot, WindowRow } from '../domain/snapshot.js';
import type { MetaClient } from './client.js';
import { addDays, localDate, presetRange } from './dates.js';
import type { InsightsMode, InsightsQuery } from './insights.js';
import {
  compareEntities,
  createInterner,
  normalizeAccount,
  normalizeAd,
  normalizeAdSet,
  normalizeCampaign,
  normalizeDailyRow,
  normalizeWindowRow,
} from './normalize.js';
import { choosePurchaseActionType } from './purchases.js';
import { RowChunks } from './row-chunks.js';
import type { InsightsRow } from './schemas.js';
import { normalizeAccountId } from './usage-headers.js';

export interface ReadAccountSnapshotOptions {
  adAccountId: string;
  /** The decision window. Default last_7d. */
  datePreset?: string;
  /** Meta's action_attribution_windows; Meta's default (7d_click + 1d_view, per ad set) when absent. */
  attributionWindows?: readonly string[];
  /** Complete days of daily rows, ending yesterday in the account's time zone. Default 14. */
  dailyDays?: number;
  /**
   * Levels that get daily rows. Default campaign and ad set: the trend rules (spend_spike,
   * tracking_broken) read budget units and the account, never single ads, and ad-level daily rows would
   * be most of the calls and memory of a large account (14 rows per ad).
   */
  dailyLevels?: readonly Level[];
  /**
   * The engine's "now" (our clock). The data's days come from Meta's clock (the Date of its answers):
   * daily rows end the account's local day before Meta's today. Only when Meta's answers carry no date
   * is takenAt used for that too.
   */
  takenAt: Date | string;
  /**
   * How ad-level insights are fetched. Default: async report runs when the account has more ads than
   * `asyncAboveAds`, otherwise sync (which itself goes async if Meta says the request is too big).
   */
  insightsMode?: InsightsMode;
  /** Default 25 000. */
  asyncAboveAds?: number;
}

const ID_FIELD: Record<Level, string> = { campaign: 'campaign_id', adset: 'adset_id', ad: 'ad_id' };
const METRICS = ['spend', 'impressions', 'reach', 'clicks', 'inline_link_clicks', 'actions', 'action_values'];

/**
 * One window row per ad pages fine synchronously well past ten thousand ads; beyond this an async report
 * run saves Meta the long synchronous query (and below it, 'auto' still switches to async when Meta
 * answers that the request is too big).
 */
export const DEFAULT_ASYNC_ABOVE_ADS = 25_000;
export const DEFAULT_DAILY_LEVELS: readonly Level[] = ['campaign', 'adset'];

/**
 * The full read the product makes every cycle, in as few Graph calls as paging allows: the account, each
 * level's metadata through the account's edges, and insights for each level twice (the decision window,
 * and, for campaigns and ad sets, one row per day for the last `dailyDays` complete days) — 9 paged reads
 * in all, whatever the size of the account. Campaign-level rows come first and fix the purchase action type; the larger levels are
 * then normalised page by page, so raw responses never pile up in memory.
 */
export async function readAccountSnapshot(
  client: MetaClient,
  opts: ReadAccountSnapshotOptions,
): Promise<Snapshot> {
  const accountId = normalizeAccountId(opts.adAccountId);
  const datePreset = opts.datePreset ?? 'last_7d';
  const dailyDays = opts.dailyDays ?? 14;
  const takenAt = new Date(opts.takenAt);
  const intern = createInterner();

  const query = (level: Level, daily: { since: string; until: string } | null): InsightsQuery => ({
    accountId,
    level,
    fields: [ID_FIELD[level]!, ...METRICS],
    ...(daily ? { timeRange: daily, timeIncrement: 1 } : { datePreset }),
    ...(opts.attributionWindows?.length ? { attributionWindows: opts.attributionWindows } : {}),
  });

  // The daily range needs the account's time zone, so the account comes first (one call), and Meta's
  // "today" in that zone: the Date of Meta's answer, not our clock (a simulator, a skewed host, or a
  // run late in the day near midnight would otherwise ask for days Meta has not reached, or skip some).
  const account = normalizeAccount(await client.getAdAccount(accountId));
  const today = localDate(client.metaNow ?? takenAt, account.timezone);
  const dailyRange = { since: addDays(today, -dailyDays), until: addDays(today, -1) };

  const campaigns: EntityMeta[] = [];
  const adSets: EntityMeta[] = [];
  const ads: EntityMeta[] = [];
  const [, , , campaignWindowRaw, campaignDailyRaw] = await Promise.all([
    client.eachCampaignPage(accountId, (page) => {
      for (const n of page) campaigns.push(normalizeCampaign(n, intern));
    }),
    client.eachAdSetPage(accountId, (page) => {
      for (const n of page) adSets.push(normalizeAdSet(n, intern));
    }),
    client.eachAdPage(accountId, (page) => {
      for (const n of page) ads.push(normalizeAd(n, intern));
    }),
    client.insights(query('campaign', null)),
    client.insights(query('campaign', dailyRange)),
  ]);

  // Every purchase in the account shows up in some campaign row, so these rows decide the type for all.
  const purchaseActionType = choosePurchaseActionType(
    [...campaignWindowRaw, ...campaignDailyRaw],
    client.config.purchaseActionTypes,
  );
  const windowRows = new RowChunks<WindowRow>();
  const dailyRows = new RowChunks<DailyRow>();
  const ctx = (level: Level) => ({ level, currency: account.currency, purchaseActionType, intern });
  windowRows.add(campaignWindowRaw.map((r) => normalizeWindowRow(r, ctx('campaign'))));
  dailyRows.add(campaignDailyRaw.map((r) => normalizeDailyRow(r, ctx('campaign'))));

  const adMode: InsightsMode =
    opts.insightsMode ?? (ads.length > (opts.asyncAboveAds ?? DEFAULT_ASYNC_ABOVE_ADS) ? 'async' : 'auto');
  let windowDates: { since: string; until: string } | undefined;
  const noteWindow = (r: InsightsRow) => {
    windowDates ??= { since: r.date_start, until: r.date_stop };
  };
  campaignWindowRaw.forEach(noteWindow);
  // Raw rows are done with: let them go before the big levels arrive.
  campaignWindowRaw.length = 0;
  campaignDailyRaw.length = 0;

  const stream = (level: Level, daily: boolean, mode: InsightsMode) => {
    const c = ctx(level);
    return client.eachInsightsPage(
      query(level, daily ? dailyRange : null),
      (page) => {
        if (daily) dailyRows.add(page.map((r) => normalizeDailyRow(r, c)));
        else {
          page.forEach(noteWindow);
          windowRows.add(page.map((r) => normalizeWindowRow(r, c)));
        }
      },
      mode,
    );
  };
  const dailyLevels = new Set(opts.dailyLevels ?? DEFAULT_DAILY_LEVELS);
  await Promise.all([
    stream('adset', false, opts.insightsMode ?? 'auto'),
    ...(dailyLevels.has('adset') ? [stream('adset', true, opts.insightsMode ?? 'auto')] : []),
    stream('ad', false, adMode),
    ...(dailyLevels.has('ad') ? [stream('ad', true, adMode)] : []),
  ]);

  const window = windowDates ??
    presetRange(datePreset, today) ?? { since: addDays(today, -1), until: addDays(today, -1) };

  const entities = [...campaigns, ...adSets, ...ads].sort(compareEntities);
  campaigns.length = adSets.length = ads.length = 0;
  const allWindowRows = windowRows.toSortedArray();
  const allDailyRows = dailyRows.toSortedArray();

  return {
    account,
    takenAt: takenAt.toISOString(),
    metaToday: today,
    metaNow: (client.metaNow ?? takenAt).toISOString(),
    window: { preset: datePreset, since: window.since, until: window.until },
    purchaseActionType,
    entities,
    windowRows: allWindowRows,
    dailyRows: allDailyRows,
  };
}
