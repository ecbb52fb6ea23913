import type { Recommendation } from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';
import { median, medianAbsoluteDeviation } from '../stats.js';
import type { RuleContext } from './context.js';
import { baseEvidence, money, roundTo } from './evidence.js';
import { recommendationFor } from './make.js';

/**
 * spend_spike — yesterday's spend ≥ 2 × the median of the 7 days before, unusual by a modified z-score
 * ≥ 3.5 (the ratio alone when the baseline has no spread), and at least one target CPA of money. Budget
 * units only: spend is governed by the budget, and a spike in one ad would otherwise be reported again
 * by its ad set and campaign. A baseline median of zero means the entity just started: that is a launch,
 * not a spike. Alert only; high when yesterday's CPA was also above target (no purchases counts), else
 * medium.
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
  if (!(med > 0)) return null;
  const spend = yesterday.spend;
  if (spend < rule.medianMultiple * med) return null;
  const mad = medianAbsoluteDeviation(spends);
  const modifiedZ = mad > 0 ? (0.6745 * (spend - med)) / mad : null;
  if (modifiedZ !== null && modifiedZ < rule.minModifiedZ) return null;
  if (targetCpa !== null && spend < rule.minSpendTargetCpaMultiple * targetCpa) return null;

  const cpaAbove =
    targetCpa !== null && (yesterday.purchases === 0 || spend / yesterday.purchases > targetCpa);
  const ratio = spend / med;
  const conversions =
    yesterday.purchases === 0
      ? 'no purchases that day'
      : `CPA that day ${money(ctx, spend / yesterday.purchases)}` +
        (targetCpa === null ? '' : ` vs target ${money(ctx, targetCpa)}`);
  const sentence =
    `Spend ${money(ctx, spend)} on ${yesterday.date} vs ${rule.baselineDays}-day median ${money(ctx, med)} ` +
    `(${ratio.toFixed(1)}×${modifiedZ === null ? '' : `, modified z ${modifiedZ.toFixed(1)}`}); ${conversions}`;

  return recommendationFor('spend_spike', cpaAbove ? 'high' : 'medium', entity, null, {
    ...baseEvidence(ctx, yesterday, {
      sentence,
      spike: {
        date: yesterday.date,
        spend,
        baselineMedian: med,
        mad,
        ratio: roundTo(ratio, 4),
        modifiedZ: modifiedZ === null ? null : roundTo(modifiedZ, 4),
        purchases: yesterday.purchases,
        baseline: baseline.map((d) => ({ date: d.date, spend: d.spend })),
      },
      thresholds: {
        medianMultiple: rule.medianMultiple,
        minModifiedZ: rule.minModifiedZ,
        minSpendTargetCpaMultiple: rule.minSpendTargetCpaMultiple,
      },
    }),
    window: { since: yesterday.date, until: yesterday.date },
  });
}
