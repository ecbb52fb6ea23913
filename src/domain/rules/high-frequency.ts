import type { Recommendation } from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';
import type { RuleContext } from './context.js';
import { baseEvidence, count } from './evidence.js';
import { recommendationFor } from './make.js';

/**
 * high_frequency — the same people saw the ads 4 or more times each over the window: fatigue. Ad sets
 * only: the audience is defined on the ad set, its ads share it (an ad-level finding would repeat the same
 * fact once per creative), and a campaign's frequency mixes unrelated audiences. Medium, and alert only:
 * frequency alone never justifies a pause (a retargeting audience is small by design and can convert
 * well at high frequency; the CPA rules judge the money).
 */
export function highFrequency(ctx: RuleContext, entity: EntityMeta): Recommendation | null {
  const rule = ctx.config.rules.highFrequency;
  if (!rule.enabled) return null;
  const sums = ctx.windowSums(entity.id);
  if (sums.reach <= 0 || sums.impressions < rule.minImpressions) return null;
  const frequency = sums.impressions / sums.reach;
  if (frequency < rule.maxFrequency) return null;

  const { since, until } = ctx.snapshot.window;
  const sentence =
    `Frequency ${frequency.toFixed(1)} over ${since}–${until} (${count(sums.impressions)} ` +
    `impressions on ${count(sums.reach)} people) vs limit ${rule.maxFrequency.toFixed(1)}: ` +
    'audience fatigue, refresh creative or widen the audience';
  return recommendationFor(
    'high_frequency',
    'medium',
    entity,
    null,
    baseEvidence(ctx, sums, {
      sentence,
      thresholds: { maxFrequency: rule.maxFrequency, minImpressions: rule.minImpressions },
    }),
  );
}
