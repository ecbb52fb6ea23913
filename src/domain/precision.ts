import { addDays } from './dates.js';
import type { ActionSpec, RuleId } from './recommendation.js';
import { wilson } from './shadow.js';
import type { DeliverySums } from './snapshot.js';

/**
 * Backtest labels: was a would-be action right? A verdict made on a day is judged by what the entity
 * did over the next `horizonDays` days, on matured figures (read after every purchase has arrived):
 * - a pause or budget cut is confirmed when the following days' CPA was above target (no purchase on
 *   spend counts as above), or, without a target CPA, their ROAS below target ROAS;
 * - a raise or a revive is confirmed when the following days met the target.
 * Money: E = spend − purchases × target CPA over those days (or spend − value / target ROAS), the money
 * spent beyond what its purchases were worth at target. A pause would have saved E; a cut of p % saved
 * p % of it; a raise of p % would have earned p % of −E; a revive −E. Negative = lost.
 *
 * The label is an outcome, not the truth: an entity whose true CPA sits at the target is confirmed or
 * refuted by the luck of the following days. The Wilson interval covers the sampling of verdicts, not
 * that label noise; a longer horizon (backtest --horizon) shrinks it.
 */
export interface PrecisionVerdict {
  rule: RuleId;
  entityId: string;
  /** The account's local date the engine ran on ("today" at that run): the following days start here. */
  date: string;
  action: ActionSpec;
}

export interface RulePrecision {
  rule: RuleId;
  verdicts: number;
  /** Verdicts whose following days were not all known yet, or without delivery: not labelled. */
  unlabelled: number;
  confirmed: number;
  precision: number | null;
  low: number;
  high: number;
  /** Minor units: positive saved, negative lost. */
  moneySaved: number;
}

export interface LabelInput {
  verdicts: readonly PrecisionVerdict[];
  /** Matured daily figures of an entity on a date (undefined = no delivery). */
  day: (entityId: string, date: string) => DeliverySums | undefined;
  /** The last complete day of data. */
  lastDay: string;
  horizonDays: number;
  targetCpa: number | null;
  targetRoas: number | null;
}

function direction(a: ActionSpec): 'down' | 'up' {
  if (a.type === 'set_status') return a.to === 'PAUSED' ? 'down' : 'up';
  return a.to < a.from ? 'down' : 'up';
}

function share(a: ActionSpec): number {
  if (a.type === 'set_status') return 1;
  return Math.abs(a.to - a.from) / a.from;
}

export function labelVerdict(
  v: PrecisionVerdict,
  input: Omit<LabelInput, 'verdicts'>,
): { confirmed: boolean; saved: number } | null {
  const last = addDays(v.date, input.horizonDays - 1);
  if (last > input.lastDay) return null;
  let spend = 0;
  let purchases = 0;
  let value = 0;
  for (let i = 0; i < input.horizonDays; i++) {
    const d = input.day(v.entityId, addDays(v.date, i));
    if (!d) continue;
    spend += d.spend;
    purchases += d.purchases;
    value += d.purchaseValue;
  }
  if (spend <= 0) return null;
  let worse: boolean;
  let excess: number;
  if (input.targetCpa !== null && v.rule !== 'low_roas') {
    worse = purchases === 0 || spend / purchases > input.targetCpa;
    excess = spend - purchases * input.targetCpa;
  } else if (input.targetRoas !== null) {
    worse = value / spend < input.targetRoas;
    excess = spend - value / input.targetRoas;
  } else return null;
  const down = direction(v.action) === 'down';
  const saved = (down ? excess : -excess) * share(v.action);
  return { confirmed: down ? worse : !worse, saved };
}

/** Precision, its 95 % Wilson interval, and money per rule, in rule-id order. */
export function precisionByRule(input: LabelInput): RulePrecision[] {
  const byRule = new Map<RuleId, RulePrecision>();
  for (const v of input.verdicts) {
    let p = byRule.get(v.rule);
    if (!p) {
      p = {
        rule: v.rule,
        verdicts: 0,
        unlabelled: 0,
        confirmed: 0,
        precision: null,
        low: 0,
        high: 1,
        moneySaved: 0,
      };
      byRule.set(v.rule, p);
    }
    const label = labelVerdict(v, input);
    if (!label) {
      p.unlabelled++;
      continue;
    }
    p.verdicts++;
    if (label.confirmed) p.confirmed++;
    p.moneySaved += label.saved;
  }
  for (const p of byRule.values()) {
    p.precision = p.verdicts === 0 ? null : p.confirmed / p.verdicts;
    Object.assign(p, wilson(p.confirmed, p.verdicts));
    p.moneySaved = Math.round(p.moneySaved);
  }
  return [...byRule.values()].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}
