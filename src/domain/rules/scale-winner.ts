import { cpaBounds, isConfidentlyBetter } from '../evidence.js';
import type { Recommendation, ScaleHold } from '../recommendation.js';
import { scaleHold } from '../scale-hold.js';
import type { EntityMeta } from '../snapshot.js';
import { budgetStep } from './actions.js';
import type { RuleContext } from './context.js';
import {
  baseEvidence,
  boundsEvidence,
  cpaSentence,
  excludedSuffix,
  formatRoas,
  maturityEvidence,
} from './evidence.js';
import { recommendationFor } from './make.js';

function holdSuffix(hold: ScaleHold): string {
  switch (hold.reason) {
    case 'learning':
      return `; held: ad set ${hold.entityId} is still learning`;
    case 'recent_increase':
      return `; held until ${hold.until}: budget raised within the cooldown`;
    case 'recent_significant_edit':
      return `; held until ${hold.until}: ad set ${hold.entityId} had a significant edit`;
  }
}

/**
 * scale_winner — CPA confidently below target and ROAS ≥ 1.25 × target: raise the daily budget by up to
 * 20 %. Budget units only (see low_roas). Never while a paying ad set is LEARNING, within 72 h of the
 * last increase, or within 72 h of a significant edit (scale-hold.ts): the finding is then still
 * reported, as low severity with no action, so the operator knows a winner is waiting.
 */
export function scaleWinner(ctx: RuleContext, entity: EntityMeta): Recommendation | null {
  const rule = ctx.config.rules.scaleWinner;
  const targetCpa = ctx.config.targetCpaMinor;
  const targetRoas = ctx.config.targetRoas;
  if (!rule.enabled || targetCpa === null || targetRoas === null) return null;
  const { sums, excluded } = ctx.liveSums(entity);
  if (sums.purchases < 1 || sums.spend <= 0) return null;
  const bounds = cpaBounds(sums.spend, sums.purchases, ctx.config.confidenceLevel);
  const roas = sums.purchaseValue / sums.spend;
  if (!isConfidentlyBetter(bounds, targetCpa) || roas < rule.roasMultiple * targetRoas) return null;

  const hold = scaleHold(entity, ctx.entities, ctx.history, rule.cooldownHours, ctx.nowMs);
  const action = hold ? null : budgetStep(entity, rule.budgetIncreasePct, 'up');
  const sentence =
    `${cpaSentence(ctx, bounds, targetCpa)}; ROAS ${formatRoas(roas)} vs target ${formatRoas(targetRoas)}` +
    excludedSuffix(ctx, excluded) +
    (hold ? holdSuffix(hold) : '');

  return recommendationFor(
    'scale_winner',
    hold ? 'low' : 'medium',
    entity,
    action,
    baseEvidence(ctx, sums, {
      sentence,
      bounds: boundsEvidence(bounds),
      excluded,
      hold,
      // Judged on reported figures: purchases still to come only make a winner better, never worse.
      maturity: maturityEvidence(ctx.maturity(entity), false),
      thresholds: {
        roasMinimum: rule.roasMultiple * targetRoas,
        budgetIncreasePct: rule.budgetIncreasePct,
        cooldownHours: rule.cooldownHours,
      },
    }),
  );
}
