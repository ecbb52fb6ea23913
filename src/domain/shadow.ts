import type { AgentConfig } from './agent-config.js';
import type { ActionSpec, Recommendation, RuleId } from './recommendation.js';

/**
 * Shadow mode: a rule in shadow still recommends (its findings and evidence are reported) but proposes
 * no action, so nothing of it reaches a plan. A rule is in shadow when the agent puts it there
 * (`shadow.rules`), or when it requires a minimum backtest precision on this account
 * (`shadow.minPrecision`) and its measured precision does not reach it yet: the lower end of the
 * measured interval must clear the minimum, so a lucky handful of verdicts does not let a rule act.
 */
export interface MeasuredPrecision {
  /** Labelled verdicts (those whose following days are known). */
  verdicts: number;
  confirmed: number;
  precision: number;
  /** Wilson interval bounds. */
  low: number;
  high: number;
}

export interface ShadowStatus {
  rule: RuleId;
  reason: string;
}

export interface ShadowEvidence {
  reason: string;
  /** The action the rule would have proposed. */
  wouldBe: ActionSpec;
}

export function shadowStatuses(
  config: AgentConfig,
  measured: Partial<Record<RuleId, MeasuredPrecision>> = {},
): ShadowStatus[] {
  const out = new Map<RuleId, string>();
  for (const rule of config.shadow.rules) out.set(rule, 'set to shadow by the agent');
  for (const [rule, min] of Object.entries(config.shadow.minPrecision) as Array<[RuleId, number]>) {
    if (out.has(rule)) continue;
    const m = measured[rule];
    const pct = (x: number) => `${Math.round(x * 100)} %`;
    if (!m || m.verdicts === 0)
      out.set(rule, `needs backtest precision ≥ ${pct(min)} on this account; not measured yet`);
    else if (m.low < min)
      out.set(
        rule,
        `needs backtest precision ≥ ${pct(min)}; measured ${pct(m.precision)} (interval ${pct(m.low)}–${pct(m.high)}) on ${m.verdicts} verdicts`,
      );
  }
  return [...out].map(([rule, reason]) => ({ rule, reason })).sort((a, b) => (a.rule < b.rule ? -1 : 1));
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
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
