import type { Recommendation } from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';
import type { RuleContext } from './context.js';
import { baseEvidence, count } from './evidence.js';
import { recommendationFor } from './make.js';

/**
 * low_ctr — CTR (all clicks) below 0.5 % on at least 5 000 impressions: the creative is not earning
 * attention. Ads only: CTR is a property of the creative, and an ad set's CTR is just the mix of its
 * ads'. Low severity, alert only (refresh the creative); nothing is paused for CTR.
 */
export function lowCtr(ctx: RuleContext, entity: EntityMeta): Recommendation | null {
  const rule = ctx.config.rules.lowCtr;
  if (!rule.enabled) return null;
  const sums = ctx.windowSums(entity.id);
  if (sums.impressions < rule.minImpressions || sums.impressions === 0) return null;
  const ctrPct = (sums.clicks / sums.impressions) * 100;
  if (ctrPct >= rule.maxCtrPct) return null;

  const sentence =
    `CTR ${ctrPct.toFixed(2)} % on ${count(sums.impressions)} impressions ` +
    `vs floor ${rule.maxCtrPct.toFixed(2)} %: refresh the creative`;
  return recommendationFor(
    'low_ctr',
    'low',
    entity,
    null,
    baseEvidence(ctx, sums, {
      sentence,
      thresholds: { maxCtrPct: rule.maxCtrPct, minImpressions: rule.minImpressions },
    }),
  );
}
