import { dayAgeHours, type LagProfile, maturityHours } from './conversion-lag.js';
import { addDays, dateRange, localDate } from './dates.js';

/**
 * What an applied write did, judged afterwards: a difference in differences of log CPA (or log ROAS)
 * between the measured subject (the entity itself, or for a pause its parent or the account, since a
 * paused entity has no spend after) and its matched untouched peers, before the write vs after it.
 *
 * Design.
 * - Days. The write's own local day is mixed (part before, part after) and left out. "Before" is the
 *   `BEFORE_DAYS` complete days preceding it; "after" is the days from the next one through the last day
 *   that ended within the horizon. Only MATURED days count (conversion lag, conversion-lag.ts): a day
 *   whose purchases may still arrive is excluded, not corrected, because a verdict must not move later.
 *   Too few matured after days (or before days) → inconclusive, "not matured yet".
 * - Sums, not averages: each period's CPA is its spend over its purchases, so days and peers are
 *   spend-weighted by construction (peers are pooled).
 * - Effect d = (log m_subject,after − log m_subject,before) − (log m_peers,after − log m_peers,before).
 *   Its variance treats purchase counts (and purchase value, which arrives with purchases) as Poisson,
 *   Var(log k) ≈ 1/(k + ½), inflated by the subject's day-to-day over-dispersion (Pearson χ²/df ≥ 1).
 *   The interval is two-sided at `confidence`; the verdict needs the whole interval on one side of 0.
 * - Money: what the subject's after period would have cost (CPA) or returned (ROAS) had it moved like its
 *   peers, minus what it did: negative = lost. In minor units of the account currency.
 * - With no peers (the subject is the account) the estimate is a plain before/after (basis `pre_post`).
 */
export type Horizon = '24h' | '72h' | '7d';
export const HORIZONS: ReadonlyArray<{ id: Horizon; hours: number }> = [
  { id: '24h', hours: 24 },
  { id: '72h', hours: 72 },
  { id: '7d', hours: 168 },
];
export function horizonHours(h: Horizon): number {
  return HORIZONS.find((x) => x.id === h)!.hours;
}

export type OutcomeMetric = 'cpa' | 'roas';
export type Verdict = 'helped' | 'hurt' | 'inconclusive';
export type InconclusiveReason =
  | 'not_matured'
  | 'no_before'
  | 'no_delivery'
  | 'no_peers'
  | 'interval_spans_zero'
  /** The write was rolled back before it could be judged. */
  | 'rolled_back';

export const BEFORE_DAYS = 7;
export const MIN_AFTER_DAYS = 2;
export const MIN_BEFORE_DAYS = 3;

export interface PeriodSums {
  spend: number;
  purchases: number;
  purchaseValue: number;
}

export interface DayFigures extends PeriodSums {
  date: string;
}

export interface OutcomeWindow {
  /** The write's local date (excluded). */
  writeDate: string;
  /** Before days, oldest first. */
  before: string[];
  /** After days that ended within the horizon, oldest first (matured or not). */
  after: string[];
  /** Days up to and including this one are matured; null when none is. */
  maturedThrough: string | null;
}

/**
 * The days a follow-up looks at, by the data's clock: `writeMs` and `nowMs` are instants on Meta's clock,
 * `timeZone` the account's. Days after `horizonEndMs` are not part of this horizon even if complete.
 */
export function outcomeWindow(input: {
  writeMs: number;
  horizonHours: number;
  nowMs: number;
  timeZone: string;
  lag: LagProfile;
  beforeDays?: number;
}): OutcomeWindow {
  const writeDate = localDate(input.writeMs, input.timeZone);
  const endMs = Math.min(input.writeMs + input.horizonHours * 3_600_000, input.nowMs);
  // The last day that ended by endMs: the day before endMs's local date.
  const lastAfter = addDays(localDate(endMs, input.timeZone), -1);
  const firstAfter = addDays(writeDate, 1);
  const after = lastAfter >= firstAfter ? dateRange(firstAfter, lastAfter) : [];
  const n = input.beforeDays ?? BEFORE_DAYS;
  const before = dateRange(addDays(writeDate, -n), addDays(writeDate, -1));
  return { writeDate, before, after, maturedThrough: maturedThrough(input.lag, input.nowMs, input.timeZone) };
}

/** The newest local date whose purchases have all arrived at `nowMs` (null if none within 30 days). */
export function maturedThrough(lag: LagProfile, nowMs: number, timeZone: string): string | null {
  const mature = maturityHours(lag);
  let d = addDays(localDate(nowMs, timeZone), -1);
  for (let i = 0; i < 30; i++, d = addDays(d, -1)) if (dayAgeHours(d, nowMs, timeZone) >= mature) return d;
  return null;
}

export interface OutcomeInput {
  metric: OutcomeMetric;
  window: OutcomeWindow;
  /** The subject's days (missing days: no delivery). */
  subject: readonly DayFigures[];
  /** Untouched peers' days, one list per peer; empty for a subject without peers (the account). */
  peers: ReadonlyArray<readonly DayFigures[]>;
  /** Two-sided confidence of the interval, e.g. 0.9. */
  confidence: number;
}

export interface OutcomeEstimate {
  verdict: Verdict;
  reason: InconclusiveReason | null;
  metric: OutcomeMetric;
  basis: 'did' | 'pre_post';
  /** Relative change of the subject's metric against the peers' (0.18 = +18 %); null when not estimable. */
  change: number | null;
  interval: { low: number; high: number } | null;
  /** Signed money of the after period against the counterfactual, minor units (negative = lost). */
  moneyMinor: number | null;
  days: { before: string[]; after: string[]; immature: string[] };
  subject: { before: PeriodSums; after: PeriodSums };
  peers: { count: number; before: PeriodSums; after: PeriodSums };
}

const ZERO: PeriodSums = { spend: 0, purchases: 0, purchaseValue: 0 };

function sumOn(days: readonly DayFigures[], dates: ReadonlySet<string>): PeriodSums {
  const s = { ...ZERO };
  for (const d of days) {
    if (!dates.has(d.date)) continue;
    s.spend += d.spend;
    s.purchases += d.purchases;
    s.purchaseValue += d.purchaseValue;
  }
  return s;
}

/** Standard normal quantile (Acklam's rational approximation; |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1): ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowP = 0.02425;
  if (p < lowP) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lowP) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** log of the metric with a ½ continuity correction on the count (or value, for ROAS). */
function logMetric(metric: OutcomeMetric, s: PeriodSums, valueUnit: number): number {
  return metric === 'cpa'
    ? Math.log(s.spend) - Math.log(s.purchases + 0.5)
    : Math.log(s.purchaseValue + 0.5 * valueUnit) - Math.log(s.spend);
}

/** Poisson variance of the log count; for value, the same in purchases (value arrives with them). */
function logVar(s: PeriodSums): number {
  return 1 / (s.purchases + 0.5);
}

/** Pearson χ²/df of daily purchases against spend-proportional expectation, floored at 1. */
function dispersion(days: readonly DayFigures[], dates: ReadonlySet<string>): { chi2: number; df: number } {
  const own = days.filter((d) => dates.has(d.date) && d.spend > 0);
  const total = sumOn(own, dates);
  if (own.length < 2 || total.purchases <= 0 || total.spend <= 0) return { chi2: 0, df: 0 };
  let chi2 = 0;
  for (const d of own) {
    const e = (total.purchases * d.spend) / total.spend;
    if (e > 0) chi2 += (d.purchases - e) ** 2 / e;
  }
  return { chi2, df: own.length - 1 };
}

/** The difference-in-differences estimate for one follow-up. Pure; same input → same output. */
export function estimateOutcome(input: OutcomeInput): OutcomeEstimate {
  const { window: w, metric } = input;
  const matured = (d: string) => w.maturedThrough !== null && d <= w.maturedThrough;
  const before = w.before.filter(matured);
  const after = w.after.filter(matured);
  const immature = [...w.before, ...w.after].filter((d) => !matured(d));
  const beforeSet = new Set(before);
  const afterSet = new Set(after);
  const sb = sumOn(input.subject, beforeSet);
  const sa = sumOn(input.subject, afterSet);
  const livePeers = input.peers.filter((p) => sumOn(p, beforeSet).spend > 0 && sumOn(p, afterSet).spend > 0);
  const pb = { ...ZERO };
  const pa = { ...ZERO };
  for (const p of livePeers) {
    for (const [into, set] of [
      [pb, beforeSet],
      [pa, afterSet],
    ] as const) {
      const s = sumOn(p, set);
      into.spend += s.spend;
      into.purchases += s.purchases;
      into.purchaseValue += s.purchaseValue;
    }
  }
  const basis: 'did' | 'pre_post' = input.peers.length === 0 ? 'pre_post' : 'did';
  const base = {
    metric,
    basis,
    days: { before, after, immature },
    subject: { before: sb, after: sa },
    peers: { count: livePeers.length, before: pb, after: pa },
  };
  const inconclusive = (reason: InconclusiveReason): OutcomeEstimate => ({
    ...base,
    verdict: 'inconclusive',
    reason,
    change: null,
    interval: null,
    moneyMinor: null,
  });
  if (after.length < MIN_AFTER_DAYS) return inconclusive('not_matured');
  if (before.length < MIN_BEFORE_DAYS || sb.spend <= 0) return inconclusive('no_before');
  if (sa.spend <= 0) return inconclusive('no_delivery');
  if (basis === 'did' && livePeers.length === 0) return inconclusive('no_peers');

  // A unit of value for the continuity correction: the subject's average order value, or 1.
  const aov =
    sb.purchases + sa.purchases > 0
      ? (sb.purchaseValue + sa.purchaseValue) / (sb.purchases + sa.purchases)
      : 1;
  let effect = logMetric(metric, sa, aov) - logMetric(metric, sb, aov);
  let variance = logVar(sa) + logVar(sb);
  if (basis === 'did') {
    effect -= logMetric(metric, pa, aov) - logMetric(metric, pb, aov);
    variance += logVar(pa) + logVar(pb);
  }
  const db = dispersion(input.subject, beforeSet);
  const da = dispersion(input.subject, afterSet);
  const df = db.df + da.df;
  const phi = df > 0 ? Math.max(1, (db.chi2 + da.chi2) / df) : 1;
  const z = normalQuantile(0.5 + input.confidence / 2);
  const half = z * Math.sqrt(variance * phi);
  const low = effect - half;
  const high = effect + half;
  // Good direction: CPA down, ROAS up.
  const good = metric === 'cpa' ? high < 0 : low > 0;
  const bad = metric === 'cpa' ? low > 0 : high < 0;
  const verdict: Verdict = good ? 'helped' : bad ? 'hurt' : 'inconclusive';

  // The counterfactual metric: the subject's before, moved as its peers moved.
  const ratio = (s: PeriodSums) =>
    metric === 'cpa' ? s.spend / (s.purchases + 0.5) : (s.purchaseValue + 0.5 * aov) / s.spend;
  const drift = basis === 'did' ? ratio(pa) / ratio(pb) : 1;
  const counterfactual = ratio(sb) * drift;
  const money =
    metric === 'cpa'
      ? (sa.purchases + 0.5) * counterfactual - sa.spend
      : sa.purchaseValue - sa.spend * counterfactual;
  return {
    ...base,
    verdict,
    reason: verdict === 'inconclusive' ? 'interval_spans_zero' : null,
    change: Math.expm1(effect),
    interval: { low: Math.expm1(low), high: Math.expm1(high) },
    moneyMinor: Math.round(money),
  };
}
