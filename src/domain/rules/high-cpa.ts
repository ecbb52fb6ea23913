import { cpaBounds, isConfidentlyWorse, poissonBounds } from '../evidence.js';
import type { Recommendation } from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';
import { budgetStep, pauseAction } from './actions.js';
import type { RuleContext } from './context.js';
import { baseEvidence, boundsEvidence, cpaSentence, excludedSuffix } from './evidence.js';
import { recommendationFor } from './make.js';

/**
 * high_cpa — the CPA is confidently above target (its lower bound S/λ_up exceeds it). Evaluated at every
 * level: a pause belongs wherever the waste is, and the planner keeps only the outermost pause of a
 * branch. Needs at least one purchase: with none, zero_conversions speaks (the two tests coincide at
 * k = 0, so splitting them avoids a double report).
 * - high (observed CPA ≥ 1.5 × target): pause the entity;
 * - medium: cut the daily budget 20 % if this entity holds the budget, else alert only. An ad set inside
 *   a campaign budget gets no cut: the campaign's own evaluation decides the campaign's budget, and a
 *   cut derived from one ad set would fight it.
 */
export function highCpa(ctx: RuleContext, entity: EntityMeta): Recommendation | null {
  const rule = ctx.config.rules.highCpa;
  const target = ctx.config.targetCpaMinor;
  if (!rule.enabled || target === null) return null;
  const { sums, excluded } = ctx.liveSums(entity);
  if (sums.purchases < 1) return null;
  // Cheap test first (most entities are not confidently worse); the full bounds only for those that are.
  if (!(sums.spend / poissonBounds(sums.purchases, ctx.config.confidenceLevel).upper > target)) return null;
  const bounds = cpaBounds(sums.spend, sums.purchases, ctx.config.confidenceLevel);
  if (!isConfidentlyWorse(bounds, target)) return null;

  const severity = (bounds.cpa ?? 0) >= rule.highSeverityMultiple * target ? 'high' : 'medium';
  const action =
    severity === 'high'
      ? pauseAction(entity)
      : ctx.entities.isBudgetUnit(entity)
        ? budgetStep(entity, rule.budgetCutPct, 'down')
        : null;

  return recommendationFor(
    'high_cpa',
    severity,
    entity,
    action,
    baseEvidence(ctx, sums, {
      sentence: cpaSentence(ctx, bounds, target) + excludedSuffix(ctx, excluded),
      bounds: boundsEvidence(bounds),
      excluded,
      thresholds: { highSeverityMultiple: rule.highSeverityMultiple, budgetCutPct: rule.budgetCutPct },
    }),
  );
}
