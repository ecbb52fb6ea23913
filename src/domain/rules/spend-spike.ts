import { addDays } from '../dates.js';
import type { AllowanceEvidence, Recommendation } from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';
import { median, medianAbsoluteDeviation } from '../stats.js';
import type { RuleContext } from './context.js';
import { baseEvidence, money, roundTo } from './evidence.js';
import { recommendationFor } from './make.js';

/**
 * Meta's own spend allowance (../shared/reference/meta-marketing-api.md, "Spend flexibility"): on one
 * day Meta may spend up to 75 % above the daily budget, and at most 7 × the daily budget over a calendar
 * week (Sunday to Saturday, account time zone). Spend inside that is Meta pacing as documented; spend
 * beyond it means something outside MetaBuyer changed (a budget raised in Ads Manager) or Meta
 * misbehaved — worth a person's attention whatever it bought.
 */
export const DAY_ALLOWANCE = 1.75;
export const WEEK_ALLOWANCE = 7;

/**
 * spend_spike — yesterday's spend ≥ 2 × the median of the 7 days before, unusual by a modified z-score
 * ≥ 3.5 (the ratio alone when the baseline has no spread), and at least one target CPA of money; or
 * spend beyond Meta's allowance (above 1.75 × the daily budget yesterday, or above 7 × over the calendar
 * week so far). Budget units only: spend is governed by the budget, and a spike in one ad would
 * otherwise be reported again by its ad set and campaign. A baseline median of zero means the entity just
 * started: that is a launch, not a spike. Alert only. Severity, for a unit with a daily budget: high
 * beyond the allowance, medium for a surge within it. Without a daily budget (lifetime budgets) the
 * allowance cannot be judged: high when yesterday's CPA was above target, allowing for its purchases
 * still to come (no purchases counts), else medium.
 */
export function spendSpike(ctx: RuleContext, entity: EntityMeta): Recommendation | null {
  const rule = ctx.config.rules.spendSpike;
  if (!rule.enabled) return null;
  const targetCpa = ctx.config.targetCpaMinor;
  const series = ctx.dailySeries(entity.id, rule.baselineDays + 1);
  const yesterday = series[series.length - 1]!;
  const baseline = series.slice(0, -1);
  const spends = baseline.map((d) => d.spend);
  const med = median(spends);
  const spend = yesterday.spend;
  const mad = medianAbsoluteDeviation(spends);
  const modifiedZ = mad > 0 ? (0.6745 * (spend - med)) / mad : null;
  const allowance = allowanceOf(ctx, entity, series);
  const spiked =
    med > 0 &&
    spend >= rule.medianMultiple * med &&
    (modifiedZ === null || modifiedZ >= rule.minModifiedZ) &&
    (targetCpa === null || spend >= rule.minSpendTargetCpaMultiple * targetCpa);
  const beyond = allowance !== null && (!allowance.withinDay || !allowance.withinWeek);
  if (!spiked && !beyond) return null;

  // Yesterday's purchases are still arriving: judge its CPA on the most it may yet reach.
  const eventualPurchases = yesterday.purchases / ctx.dayReported(yesterday.date);
  const cpaAbove = targetCpa !== null && (yesterday.purchases === 0 || spend / eventualPurchases > targetCpa);
  const severity = allowance ? (beyond ? 'high' : 'medium') : cpaAbove ? 'high' : 'medium';
  const ratio = med > 0 ? spend / med : null;
  const conversions =
    yesterday.purchases === 0
      ? 'no purchases that day'
      : `CPA that day ${money(ctx, spend / yesterday.purchases)}` +
        (targetCpa === null ? '' : ` vs target ${money(ctx, targetCpa)}`);
  const vsMedian =
    ratio === null
      ? ''
      : ` vs ${rule.baselineDays}-day median ${money(ctx, med)} ` +
        `(${ratio.toFixed(1)}×${modifiedZ === null ? '' : `, modified z ${modifiedZ.toFixed(1)}`})`;
  const sentence =
    `Spend ${money(ctx, spend)} on ${yesterday.date}${vsMedian}; ${conversions}` +
    (allowance ? allowanceSuffix(ctx, allowance) : '');

  return recommendationFor('spend_spike', severity, entity, null, {
    ...baseEvidence(ctx, yesterday, {
      sentence,
      spike: {
        date: yesterday.date,
        spend,
        baselineMedian: med,
        mad,
        ratio: ratio === null ? 0 : roundTo(ratio, 4),
        modifiedZ: modifiedZ === null ? null : roundTo(modifiedZ, 4),
        purchases: yesterday.purchases,
        baseline: baseline.map((d) => ({ date: d.date, spend: d.spend })),
      },
      allowance,
      thresholds: {
        medianMultiple: rule.medianMultiple,
        minModifiedZ: rule.minModifiedZ,
        minSpendTargetCpaMultiple: rule.minSpendTargetCpaMultiple,
        dayAllowance: DAY_ALLOWANCE,
        weekAllowance: WEEK_ALLOWANCE,
      },
    }),
    window: { since: yesterday.date, until: yesterday.date },
  });
}

/**
 * The allowance check for a budget unit with a daily budget. The budget compared against is the highest
 * it has been since yesterday began (current, or either side of a write in MetaBuyer's history), so a
 * budget MetaBuyer cut this morning does not make yesterday's spend look like an overspend. Budgets
 * changed mid-week are prorated by Meta; the week is judged on that highest budget, which can only
 * under-report an overspend.
 */
function allowanceOf(
  ctx: RuleContext,
  entity: EntityMeta,
  series: ReadonlyArray<{ date: string; spend: number }>,
): AllowanceEvidence | null {
  if (entity.dailyBudget === null || entity.dailyBudget <= 0) return null;
  const yesterday = series[series.length - 1]!;
  const since = Date.parse(`${addDays(yesterday.date, -1)}T00:00:00Z`); // a day of slack for time zones
  let budget = entity.dailyBudget;
  for (const w of ctx.history.writesTo(entity.id)) {
    if (w.ms < since || w.write.type !== 'update_daily_budget') continue;
    for (const v of [w.write.from, w.write.to]) if (typeof v === 'number' && v > budget) budget = v;
  }
  const weekday = new Date(`${yesterday.date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  const weekSince = addDays(yesterday.date, -weekday);
  const weekSpend = series.filter((d) => d.date >= weekSince).reduce((s, d) => s + d.spend, 0);
  const dayRatio = yesterday.spend / budget;
  const weekRatio = weekSpend / budget;
  return {
    dailyBudget: budget,
    dayRatio: roundTo(dayRatio, 4),
    withinDay: dayRatio <= DAY_ALLOWANCE,
    weekSince,
    weekSpend,
    weekRatio: roundTo(weekRatio, 4),
    withinWeek: weekRatio <= WEEK_ALLOWANCE,
  };
}

function allowanceSuffix(ctx: RuleContext, a: AllowanceEvidence): string {
  const day = `${a.dayRatio.toFixed(2)}× the ${money(ctx, a.dailyBudget)} daily budget`;
  if (!a.withinDay)
    return `; ${day}, beyond the 1.75× Meta may spend on one day: the budget was changed outside MetaBuyer, or Meta overspent`;
  if (!a.withinWeek)
    return `; ${money(ctx, a.weekSpend)} since ${a.weekSince} is ${a.weekRatio.toFixed(2)}× the daily budget, beyond the 7× Meta may spend in a calendar week`;
  return `; ${day}: a surge within Meta's allowance (up to 1.75× a day, 7× a week)`;
}
