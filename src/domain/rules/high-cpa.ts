import { cpaBounds, isConfidentlyWorse, poissonBounds } from '../evidence.js';
import { formatMaturity } from '../maturity.js';
import type { Recommendation } from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';
import { budgetStep, pauseAction } from './actions.js';
import type { RuleContext } from './context.js';
import {
  baseEvidence,
  boundsEvidence,
  cpaSentence,
  excludedSuffix,
  maturityEvidence,
  money,
} from './evidence.js';
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
 * Late conversions (maturity.ts): the verdict must survive the purchases still to come. The CPA's lower
 * bound once they arrive is S·m / λ_up(k); when that is not above target the finding is kept but held
 * (low, no action, says so), and severity is judged on the matured estimate S·m / k.
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

  const m = ctx.maturity(entity);
  const maturedLow = bounds.cpaLow * m.purchases;
  const held = !(maturedLow > target);
  const severity = held
    ? 'low'
    : (bounds.cpa ?? 0) * m.purchases >= rule.highSeverityMultiple * target
      ? 'high'
      : 'medium';
  const action = held
    ? null
    : severity === 'high'
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
      sentence:
        cpaSentence(ctx, bounds, target) +
        excludedSuffix(ctx, excluded) +
        (held
          ? `; held: purchases ${formatMaturity(m.purchases)} matured, and the late ones could bring ` +
            `the CPA down to ${money(ctx, maturedLow)} (${Math.round(bounds.confidence * 100)} % bound)`
          : ''),
      bounds: boundsEvidence(bounds),
      excluded,
      maturity: maturityEvidence(m, held),
      thresholds: { highSeverityMultiple: rule.highSeverityMultiple, budgetCutPct: rule.budgetCutPct },
    }),
  );
}
