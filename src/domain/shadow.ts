import type { AgentConfig } from './agent-config.js';
import type { ActionSpec, Recommendation, RuleId } from './recommendation.js';

/**
 * Shadow mode: a rule in shadow still recommends (its findings and evidence are reported) but proposes
 * no action, so nothing of it reaches a plan. A rule is in shadow when the agent puts it there
 * (`shadow.rules`), or when it requires a minimum backtest precision on this account
 * (`shadow.minPrecision`) and its measurement does not show it yet:
 * - never measured (or no measurement taken under the agent's current targets: a precision judged
 *   against a $120 CPA says nothing about a $60 one);
 * - measured longer ago than `shadow.staleAfterDays`: the account may have changed since;
 * - fewer than `shadow.minPrecisionCases` labelled verdicts: too few to say anything;
 * - the lower end of the measured 95 % interval is below the minimum: a lucky handful of verdicts does
 *   not let a rule act, only a precision the account has shown beyond reasonable doubt.
 */
export interface MeasuredPrecision {
  /** Labelled verdicts (those whose following days are known). */
  verdicts: number;
  confirmed: number;
  /** confirmed / verdicts; null without verdicts. */
  precision: number | null;
  /** Wilson interval bounds. */
  low: number;
  high: number;
  /** When it was measured (ISO); absent: taken as current. */
  measuredAt?: string;
  /** The targets its verdicts were labelled against (minor units / ratio); absent: taken as current. */
  targets?: { cpa: number | null; roas: number | null };
}

export interface ShadowStatus {
  rule: RuleId;
  reason: string;
  /** The minimum precision the rule requires (0–1), when that is why it is in shadow. */
  required?: number;
  /** The measurement the decision was made on, when there is one under the current targets. */
  measured?: MeasuredPrecision;
}

export interface ShadowEvidence {
  reason: string;
  /** The action the rule would have proposed. */
  wouldBe: ActionSpec;
}

const DAY_MS = 86_400_000;
const pct = (x: number) => `${Math.round(x * 100)} %`;

/** "3 days", "1 day", "5 h": how long ago, for an operator. */
function ago(ms: number): string {
  if (ms < DAY_MS) return `${Math.max(0, Math.round(ms / 3_600_000))} h`;
  const days = Math.floor(ms / DAY_MS);
  return `${days} day${days === 1 ? '' : 's'}`;
}

function sameTargets(config: AgentConfig, m: MeasuredPrecision): boolean {
  if (!m.targets) return true;
  return m.targets.cpa === config.targetCpaMinor && m.targets.roas === config.targetRoas;
}

/**
 * Which rules are in shadow, and why, in rule-id order. `now` (ISO) dates the measurements; without it
 * none is judged stale.
 */
export function shadowStatuses(
  config: AgentConfig,
  measured: Partial<Record<RuleId, MeasuredPrecision>> = {},
  now?: string,
): ShadowStatus[] {
  const out = new Map<RuleId, ShadowStatus>();
  for (const rule of config.shadow.rules) out.set(rule, { rule, reason: 'set to shadow by the agent' });
  const minCases = config.shadow.minPrecisionCases;
  const staleMs = config.shadow.staleAfterDays * DAY_MS;
  for (const [rule, min] of Object.entries(config.shadow.minPrecision) as Array<[RuleId, number]>) {
    if (out.has(rule)) continue;
    const needs = `needs backtest precision ≥ ${pct(min)}`;
    const m = measured[rule];
    const shadow = (reason: string, withFigures = true) =>
      out.set(rule, { rule, reason, required: min, ...(withFigures && m ? { measured: m } : {}) });
    if (!m) {
      shadow(`${needs} on this account; not measured yet`, false);
      continue;
    }
    if (!sameTargets(config, m)) {
      shadow(`${needs} on this account; measured under other targets; re-measuring`, false);
      continue;
    }
    const age = now && m.measuredAt ? Date.parse(now) - Date.parse(m.measuredAt) : 0;
    if (age > staleMs) {
      shadow(`${needs}; measured ${ago(age)} ago, too old to rely on; re-measuring`);
      continue;
    }
    const figures =
      m.precision === null
        ? 'no verdict of it could be judged yet'
        : `measured ${pct(m.precision)} (interval ${Math.round(m.low * 100)}–${pct(m.high)}) on ${m.verdicts} verdict${m.verdicts === 1 ? '' : 's'}`;
    if (m.verdicts < minCases) shadow(`${needs} on at least ${minCases} judged verdicts; ${figures}`);
    else if (m.low < min) shadow(`${needs}; ${figures}`);
  }
  return [...out.values()].sort((a, b) => (a.rule < b.rule ? -1 : 1));
}

/**
 * Whether the measurements should be taken again: some rule requires a minimum precision and its
 * measurement is missing, taken under other targets, or older than `shadow.remeasureAfterDays`.
 */
export function precisionDue(
  config: AgentConfig,
  measured: Partial<Record<RuleId, MeasuredPrecision>>,
  now: string,
): boolean {
  const maxAge = config.shadow.remeasureAfterDays * DAY_MS;
  for (const rule of Object.keys(config.shadow.minPrecision) as RuleId[]) {
    if (config.shadow.rules.includes(rule)) continue;
    const m = measured[rule];
    if (!m || !sameTargets(config, m)) return true;
    if (m.measuredAt && Date.parse(now) - Date.parse(m.measuredAt) >= maxAge) return true;
  }
  return false;
}

/** Takes the action off every recommendation of a rule in shadow, keeping it in evidence. */
export function applyShadow(recs: Recommendation[], statuses: readonly ShadowStatus[]): Recommendation[] {
  if (statuses.length === 0) return recs;
  const reasons = new Map(statuses.map((s) => [s.rule, s.reason]));
  return recs.map((rec) => {
    const reason = reasons.get(rec.rule);
    if (!reason || !rec.action) return rec;
    return {
      ...rec,
      action: null,
      evidence: {
        ...rec.evidence,
        shadow: { reason, wouldBe: rec.action },
        sentence: `${rec.evidence.sentence}; shadow mode (${reason}): recommended, not planned`,
      },
    };
  });
}

/**
 * Wilson score interval for a proportion (z = 1.96: 95 %). Well-behaved at 0 and n, and for small n,
 * where the normal approximation is not.
 */
export function wilson(successes: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n the bound is exactly 0 or 1; floating point would leave it a hair inside.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}
