import type { AgentConfig } from './agent-config.js';
import { accountSeries, indexDays, snapshotLastCompleteDay } from './daily-series.js';
import { localDate, trailingDays } from './dates.js';
import { formatMoney } from './money.js';
import { buildRuleContext } from './rules/build-context.js';
import { trackingBroken } from './rules/tracking-broken.js';
import type { Snapshot } from './snapshot.js';
import { median } from './stats.js';

/**
 * The automatic kill switch: conditions under which the agent stops itself (halts, expires what is
 * pending, says why once) until an operator resumes it. Pure: every figure is an argument.
 *
 * - spend_pace: today's spend so far is above `paceMultiple` × the account's typical pace — the median
 *   daily spend of the last `paceBaselineDays` complete days (days that spent anything), prorated to the
 *   hours of the account's day gone by (at least one hour, so the first minutes after midnight compare
 *   against an hour's pace, not nothing).
 * - zero_conversions: the account spends with no purchase for longer than the tracking_broken rule
 *   allows; it is that rule's own judgement (its thresholds), whether or not it is enabled as a rule.
 * - token: Meta refused the token or a permission (190, 10, 200–299) on a poll, or token maintenance
 *   found it revoked.
 * - write_failures: `maxWriteFailures` failed writes within `writeFailureWindowMinutes`.
 * - flapping: an object read at the first poll after our write holds the value from before it again,
 *   and we did not roll it back: someone else undid our write.
 */
export const TRIP_KINDS = ['spend_pace', 'zero_conversions', 'token', 'write_failures', 'flapping'] as const;
export type TripKind = (typeof TRIP_KINDS)[number];

export interface Trip {
  kind: TripKind;
  /** One sentence an operator reads in Slack, `status` and the halt reason. */
  reason: string;
  /** Figures behind it, snake_case, for the event row and --json. */
  evidence: Record<string, unknown>;
}

/** How a kill-switch halt is recorded in halted_by (a worker acting on its own judgement). */
export const KILL_SWITCH_ACTOR = 'worker:kill-switch';

/**
 * A halt by the kill switch stops writes but keeps the agent watching: its polls still run and report
 * (without a plan), so the operator sees what tripped it evolve. Any other halt (an operator's pause, a
 * dead token) stops polling too.
 */
export function pollsWhileHalted(agent: { halted: boolean; haltedBy: string | null }): boolean {
  return !agent.halted || agent.haltedBy === KILL_SWITCH_ACTOR;
}

/**
 * The key that makes a trip fire once: per kind and account-local day. A trip is also never fired on a
 * halted agent, so after a trip nothing fires again until an operator resumes; after a resume the same
 * kind waits for the next day (the operator has seen today's).
 */
export function tripKey(kind: TripKind, day: string): string {
  return `${kind}:${day}`;
}

/** Hours of the local day gone by at an instant in a time zone (0–24, fractional). */
export function hoursIntoDay(instant: string | number, timeZone: string): number {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  } catch {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'UTC',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  }
  const parts = f.formatToParts(ms);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') + get('minute') / 60;
}

/** The account's spend so far today, as Meta reported it (date_preset=today). */
export interface TodaySpend {
  /** The account's local date, YYYY-MM-DD. */
  date: string;
  /** Minor units. */
  spend: number;
  purchases: number;
}

export interface PollTripInput {
  snapshot: Snapshot;
  config: AgentConfig;
  /** Null when today's figures could not be read: the pace trip is then not judged. */
  today: TodaySpend | null;
  /** Our applied writes since the previous poll read the account (oldest first), not rolled back. */
  writesSincePreviousPoll: ReadonlyArray<{
    logId: string;
    entityId: string;
    entityName: string | null;
    type: 'set_status' | 'update_daily_budget';
    from: string | number;
    to: string | number;
    /** Who the activity log says changed the object since, when it names anyone (e.g. "Jane (person)"). */
    changedBy?: string | null;
  }>;
}

/** Every trip a poll's figures call for, in a stable order (TRIP_KINDS). Empty when switched off. */
export function evaluatePollTrips(input: PollTripInput): Trip[] {
  if (!input.config.killSwitch.enabled) return [];
  return [spendPaceTrip(input), zeroConversionsTrip(input), flappingTrip(input)].filter(
    (t): t is Trip => t !== null,
  );
}

export function spendPaceTrip(input: Pick<PollTripInput, 'snapshot' | 'config' | 'today'>): Trip | null {
  const { snapshot, config, today } = input;
  if (!today) return null;
  const ks = config.killSwitch;
  const dates = trailingDays(snapshotLastCompleteDay(snapshot), ks.paceBaselineDays);
  const days = indexDays(snapshot.dailyRows, dates, new Set(['campaign']));
  const spent = accountSeries(days, ks.paceBaselineDays)
    .map((d) => d.spend)
    .filter((s) => s > 0);
  // Fewer than 3 days that spent anything is no pace at all (a new account, a restart).
  if (spent.length < 3) return null;
  const typical = median(spent);
  const at = snapshot.metaNow ?? snapshot.takenAt;
  const hours = Math.max(1, Math.min(24, hoursIntoDay(at, snapshot.account.timezone)));
  const pace = (typical * hours) / 24;
  const limit = ks.paceMultiple * pace;
  if (today.spend <= limit) return null;
  const cur = snapshot.account.currency;
  return {
    kind: 'spend_pace',
    reason:
      `Spend today is ${formatMoney(today.spend, cur)} after ${hours.toFixed(1)} hours of the account's day, ` +
      `${(today.spend / pace).toFixed(1)} × its typical pace of ${formatMoney(Math.round(pace), cur)} by now ` +
      `(median ${formatMoney(Math.round(typical), cur)} a day over ${spent.length} days); the limit is ${ks.paceMultiple} ×`,
    evidence: {
      date: today.date,
      spend_today: today.spend,
      hours_into_day: Math.round(hours * 100) / 100,
      median_daily_spend: Math.round(typical),
      baseline_days: spent.length,
      pace_by_now: Math.round(pace),
      pace_multiple: ks.paceMultiple,
      currency: cur,
    },
  };
}

export function zeroConversionsTrip(input: Pick<PollTripInput, 'snapshot' | 'config'>): Trip | null {
  const { snapshot, config } = input;
  // The tracking rule's thresholds, judged even when the rule itself is switched off as an alert.
  const judged: AgentConfig = {
    ...config,
    rules: { ...config.rules, trackingBroken: { ...config.rules.trackingBroken, enabled: true } },
  };
  const ctx = buildRuleContext(snapshot, judged, [], Date.parse(snapshot.takenAt));
  const rec = trackingBroken(ctx);
  if (!rec) return null;
  const t = rec.evidence.tracking;
  return {
    kind: 'zero_conversions',
    reason: `No conversions while spending: ${rec.evidence.sentence}`,
    evidence: {
      recent_since: t?.recentSince ?? null,
      recent_until: t?.recentUntil ?? null,
      recent_spend: t?.recentSpend ?? null,
      recent_purchases: t?.recentPurchases ?? null,
      baseline_purchases: t?.baselinePurchases ?? null,
      currency: snapshot.account.currency,
    },
  };
}

export function flappingTrip(
  input: Pick<PollTripInput, 'snapshot' | 'writesSincePreviousPoll'>,
): Trip | null {
  const byId = new Map(input.snapshot.entities.map((e) => [e.id, e]));
  // The newest write of ours per object is what its value is judged against.
  const newest = new Map<string, PollTripInput['writesSincePreviousPoll'][number]>();
  for (const w of input.writesSincePreviousPoll) newest.set(`${w.entityId}:${w.type}`, w);
  const undone: Array<{
    log_id: string;
    entity_id: string;
    field: string;
    ours: unknown;
    now: unknown;
    changed_by?: string;
  }> = [];
  const names: string[] = [];
  for (const w of newest.values()) {
    const e = byId.get(w.entityId);
    if (!e || w.from === w.to) continue;
    const value = w.type === 'set_status' ? e.status : e.dailyBudget;
    if (value !== w.from) continue;
    undone.push({
      log_id: w.logId,
      entity_id: w.entityId,
      field: w.type === 'set_status' ? 'status' : 'daily_budget',
      ours: w.to,
      now: value,
      ...(w.changedBy ? { changed_by: w.changedBy } : {}),
    });
    const by = w.changedBy ? `, by ${w.changedBy}` : '';
    names.push(
      `${w.entityName ?? w.entityId} (${w.type === 'set_status' ? 'status' : 'daily budget'} back to ${value}${by})`,
    );
  }
  if (undone.length === 0) return null;
  return {
    kind: 'flapping',
    reason: `Someone else undid ${undone.length === 1 ? 'a write' : `${undone.length} writes`} of MetaBuyer since the last poll: ${names.join(', ')}. Two hands on one account fight each other`,
    evidence: { undone },
  };
}

/** The write-failure trip: `failuresAt` are the times of failed writes (any age; the window is applied here). */
export function writeFailuresTrip(
  config: AgentConfig,
  failuresAt: readonly string[],
  nowIso: string,
): Trip | null {
  const ks = config.killSwitch;
  if (!ks.enabled) return null;
  const since = Date.parse(nowIso) - ks.writeFailureWindowMinutes * 60_000;
  const recent = failuresAt.filter((t) => Date.parse(t) >= since);
  if (recent.length < ks.maxWriteFailures) return null;
  return {
    kind: 'write_failures',
    reason: `${recent.length} writes failed within ${ks.writeFailureWindowMinutes} minutes (the limit is ${ks.maxWriteFailures})`,
    evidence: {
      failures: recent.length,
      window_minutes: ks.writeFailureWindowMinutes,
      max_failures: ks.maxWriteFailures,
    },
  };
}

/** The token trip, from the verdict of the error a poll ended with (src/meta/errors.ts). */
export function tokenTrip(
  config: AgentConfig,
  error: { code: string; verdict: string; metaCode?: number | undefined },
): Trip | null {
  if (!config.killSwitch.enabled) return null;
  if (error.verdict !== 'reauthenticate' && error.verdict !== 'permission') return null;
  const what =
    error.verdict === 'reauthenticate'
      ? 'Meta refused the login (the token is expired, revoked or changed)'
      : 'Meta refused a permission this agent needs (a scope or account access was removed)';
  return {
    kind: 'token',
    reason: `${what}: ${error.code}${error.metaCode !== undefined ? ` (Meta code ${error.metaCode})` : ''}`,
    evidence: { code: error.code, verdict: error.verdict, meta_code: error.metaCode ?? null },
  };
}

/** The account-local day a trip is keyed by. */
export function tripDay(instant: string | number, timeZone: string | null): string {
  return localDate(instant, timeZone ?? 'UTC');
}
