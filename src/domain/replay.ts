import type { AgentConfig } from './agent-config.js';
import { dayAgeHours, maturityHours, reportedCount, reportedFraction } from './conversion-lag.js';
import { addDays, dateRange, localDate } from './dates.js';
import { lagDays } from './maturity.js';
import { buildPlan } from './planner.js';
import { type PrecisionVerdict, precisionByRule, type RulePrecision } from './precision.js';
import { recommend } from './recommend.js';
import type { Recommendation } from './recommendation.js';
import type { DailyRow, DeliverySums, EntityMeta, Level, Snapshot, WindowRow } from './snapshot.js';
import { type RunSummary, summarize } from './summary.js';

/**
 * Backtest on a live account, from its history: the engine is replayed on each of a run of past days
 * as it would have seen the account then, and each would-be action is judged by what followed
 * (precision.ts). A live account's clock cannot be moved back (the simulator's can: src/ops/backtest.ts
 * replays a scenario that way), so each past day is rebuilt from one read of the account's daily rows:
 *
 * - Figures as they were seen. Today's rows are matured; on the replayed day its last days were not.
 *   Each day's purchases (and their value) are cut back to what the account's lag profile says was
 *   reported at that age — the same guarantee the engine's correction relies on (maturity.ts) and the
 *   simulator reports by — so the engine meets the immature tail it met live, and its allowance for it
 *   is measured too.
 * - The decision window is summed from the daily rows (reach, not additive over days, is summed too:
 *   frequency is understated, which only ever silences high_frequency, an alert without action).
 * - Objects as they were. Metadata is today's, but an object that delivered on the day before the
 *   replayed day was running then: it is replayed as active (else a pause MetaBuyer made since would hide
 *   the very verdicts that led to it). An edit after the replayed moment is not known then.
 * - Only days whose following `horizonDays` days are all mature today are replayed: every verdict gets
 *   a label, none is wasted.
 *
 * Every rule is replayed live (none in shadow), so each is measured on the verdicts it would make.
 * Pure: the history is an argument, so the poll measures on the read it already made.
 */
export interface ReplayInput {
  /** One read of the account with daily rows at every level over `historyDaysNeeded` days. */
  history: Snapshot;
  config: AgentConfig;
  /** Past days to replay. */
  days: number;
  /** Days after each verdict that judge it. */
  horizonDays: number;
}

export interface ReplayDay {
  /** The instant the engine is replayed at (the history's time of day on that date). */
  asOf: string;
  /** The account's local date at asOf: the verdict's date. */
  today: string;
  window: { since: string; until: string };
  summary: RunSummary;
  recommendations: Recommendation[];
  /** What the planner would have planned that day (rules in shadow plan nothing). */
  plannedActions: PlannedActionSummary[];
}

/** One action a replayed day would have planned. */
export interface PlannedActionSummary {
  key: string;
  type: string;
  entityId: string;
  from: string | number;
  to: string | number;
}

export interface ReplayResult {
  days: ReplayDay[];
  /** First and last replayed date. */
  since: string;
  until: string;
  horizonDays: number;
  precision: RulePrecision[];
}

const DAY_MS = 86_400_000;
const TREND_DAYS = 14;

/** Days a decision window of this preset spans. */
export function presetDays(preset: string): number {
  if (preset === 'yesterday') return 1;
  const n = /^last_(\d+)d$/.exec(preset);
  return n ? Number(n[1]) : 7;
}

/**
 * Complete days of daily rows a replay of `days` days needs, ending yesterday: back from today to the
 * last day mature enough to judge (at most the lag span and a day), the horizon, the replayed days, and
 * before the first of them its decision window and the trend rules' 14 days.
 */
export function historyDaysNeeded(config: AgentConfig, days: number, horizonDays: number): number {
  return (
    lagDays(config.conversionLag) +
    1 +
    horizonDays +
    days +
    Math.max(presetDays(config.datePreset), TREND_DAYS)
  );
}

/** The last local date all of whose purchases have arrived at an instant. */
export function lastMatureDay(config: AgentConfig, instantMs: number, timeZone: string): string {
  const mature = maturityHours(config.conversionLag);
  let d = addDays(localDate(instantMs, timeZone), -1);
  while (dayAgeHours(d, instantMs, timeZone) < mature) d = addDays(d, -1);
  return d;
}

export function replayHistory(input: ReplayInput): ReplayResult {
  const { history, horizonDays } = input;
  // Each rule is measured as if it were live: a rule in shadow must not let another rule's action on the
  // same entity survive the fold that its own would have won.
  const config: AgentConfig = {
    ...input.config,
    shadow: { ...input.config.shadow, rules: [], minPrecision: {} },
  };
  const tz = history.account.timezone;
  const nowMs = Date.parse(history.metaNow ?? history.takenAt);
  const todayNow = localDate(nowMs, tz);
  const lastDay = lastMatureDay(config, nowMs, tz);
  const until = addDays(lastDay, -(horizonDays - 1));
  const since = addDays(until, -(input.days - 1));

  const rowsByDate = new Map<string, DailyRow[]>();
  const matured = new Map<string, DailyRow>();
  for (const r of history.dailyRows) {
    const list = rowsByDate.get(r.date) ?? [];
    list.push(r);
    rowsByDate.set(r.date, list);
    matured.set(`${r.entityId}|${r.date}`, r);
  }

  const days: ReplayDay[] = [];
  const verdicts: PrecisionVerdict[] = [];
  for (const today of dateRange(since, until)) {
    const back = Math.round(
      (Date.parse(`${todayNow}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS,
    );
    const asOfMs = nowMs - back * DAY_MS;
    const snapshot = asOfSnapshot(history, config, rowsByDate, today, asOfMs);
    const asOf = new Date(asOfMs).toISOString();
    const recommendations = recommend({ snapshot, config, now: asOf });
    for (const r of recommendations) {
      // Every would-be action is a verdict, planned or not (a rule in shadow keeps it in evidence).
      const action = r.action ?? r.evidence.shadow?.wouldBe;
      if (action) verdicts.push({ rule: r.rule, entityId: r.entityId, date: today, action });
    }
    const plan = buildPlan({ snapshot, recommendations, config, now: asOf });
    days.push({
      asOf,
      today,
      window: { since: snapshot.window.since, until: snapshot.window.until },
      summary: summarize(snapshot),
      recommendations,
      plannedActions: plan.actions.map((a) => ({
        key: a.key,
        type: a.type,
        entityId: a.entityId,
        from: a.from,
        to: a.to,
      })),
    });
  }
  const precision = precisionByRule({
    verdicts,
    day: (id, date) => matured.get(`${id}|${date}`),
    lastDay,
    horizonDays,
    targetCpa: config.targetCpaMinor,
    targetRoas: config.targetRoas,
  });
  return { days, since, until, horizonDays, precision };
}

/** The account as the engine would have read it at `asOfMs`, whose local date is `today`. */
function asOfSnapshot(
  history: Snapshot,
  config: AgentConfig,
  rowsByDate: ReadonlyMap<string, DailyRow[]>,
  today: string,
  asOfMs: number,
): Snapshot {
  const tz = history.account.timezone;
  const seen = (r: DailyRow): DailyRow => {
    const fraction = reportedFraction(config.conversionLag, dayAgeHours(r.date, asOfMs, tz));
    if (fraction >= 1 || r.purchases <= 0) return r;
    const purchases = reportedCount(r.purchases, fraction);
    return { ...r, purchases, purchaseValue: Math.round((r.purchaseValue * purchases) / r.purchases) };
  };
  const windowSince = addDays(today, -presetDays(config.datePreset));
  const windowUntil = addDays(today, -1);
  const dailyRows: DailyRow[] = [];
  const sums = new Map<string, WindowRow>();
  for (const date of dateRange(
    addDays(today, -Math.max(TREND_DAYS, presetDays(config.datePreset))),
    windowUntil,
  )) {
    for (const raw of rowsByDate.get(date) ?? []) {
      const r = seen(raw);
      // A poll keeps daily rows of campaigns and ad sets only (snapshot-reader's default).
      if (date >= addDays(today, -TREND_DAYS) && r.level !== 'ad') dailyRows.push(r);
      if (date < windowSince) continue;
      const w = sums.get(r.entityId);
      if (w) addSums(w, r);
      else sums.set(r.entityId, { ...pick(r), entityId: r.entityId, level: r.level as Level });
    }
  }
  const ranYesterday = new Set(
    (rowsByDate.get(windowUntil) ?? []).filter((r) => r.spend > 0).map((r) => r.entityId),
  );
  const asOf = new Date(asOfMs).toISOString();
  const entities = history.entities.map((e): EntityMeta => {
    const edit =
      e.lastSignificantEditAt && Date.parse(e.lastSignificantEditAt) > asOfMs
        ? null
        : e.lastSignificantEditAt;
    return ranYesterday.has(e.id)
      ? { ...e, status: 'ACTIVE', effectiveStatus: 'ACTIVE', lastSignificantEditAt: edit }
      : { ...e, lastSignificantEditAt: edit };
  });
  return {
    account: history.account,
    takenAt: asOf,
    metaToday: today,
    metaNow: asOf,
    window: { preset: config.datePreset, since: windowSince, until: windowUntil },
    purchaseActionType: history.purchaseActionType,
    entities,
    windowRows: [...sums.values()].sort((a, b) =>
      a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0,
    ),
    dailyRows,
  };
}

function pick(r: DeliverySums): DeliverySums {
  return {
    spend: r.spend,
    impressions: r.impressions,
    reach: r.reach,
    clicks: r.clicks,
    linkClicks: r.linkClicks,
    purchases: r.purchases,
    purchaseValue: r.purchaseValue,
  };
}

function addSums(into: DeliverySums, r: DeliverySums): void {
  into.spend += r.spend;
  into.impressions += r.impressions;
  into.reach += r.reach;
  into.clicks += r.clicks;
  into.linkClicks += r.linkClicks;
  into.purchases += r.purchases;
  into.purchaseValue += r.purchaseValue;
}
