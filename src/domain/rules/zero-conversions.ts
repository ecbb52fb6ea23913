import { cpaBounds, isConfidentlyWorse, poissonBounds } from '../evidence.js';
import type { Recommendation } from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';
import { pauseAction } from './actions.js';
import type { RuleContext } from './context.js';
import { baseEvidence, boundsEvidence, cpaSentence, excludedSuffix, roundTo } from './evidence.js';
import { recommendationFor } from './make.js';

/**
 * zero_conversions — no purchases at all, on more spend than a target-CPA entity would plausibly spend
 * without one: spend > λ_up(0) × target, where λ_up(0) = χ²(c; 2)/2 = −ln(1 − c) (2.30 at 90 %). That is
 * the high_cpa test at k = 0; it gets its own id because "nothing sold" reads differently from
 * "sold too dearly". Always high: pause, at every level (see high_cpa).
 */
export function zeroConversions(ctx: RuleContext, entity: EntityMeta): Recommendation | null {
  const target = ctx.config.targetCpaMinor;
  if (!ctx.config.rules.zeroConversions.enabled || target === null) return null;
  const { sums, excluded } = ctx.liveSums(entity);
  if (sums.purchases !== 0) return null;
  const spendMultiple = poissonBounds(0, ctx.config.confidenceLevel).upper;
  if (!(sums.spend / spendMultiple > target)) return null; // the bounds' own test, without allocating
  const bounds = cpaBounds(sums.spend, 0, ctx.config.confidenceLevel);
  if (!isConfidentlyWorse(bounds, target)) return null;

  return recommendationFor(
    'zero_conversions',
    'high',
    entity,
    pauseAction(entity),
    baseEvidence(ctx, sums, {
      sentence: cpaSentence(ctx, bounds, target) + excludedSuffix(ctx, excluded),
      bounds: boundsEvidence(bounds),
      excluded,
      thresholds: { spendTargetCpaMultiple: roundTo(spendMultiple, 4) },
    }),
  );
}
