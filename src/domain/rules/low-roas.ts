import { formatMaturity } from '../maturity.js';
import type { Recommendation } from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';
import { budgetStep } from './actions.js';
import type { RuleContext } from './context.js';
import { baseEvidence, excludedSuffix, formatRoas, maturityEvidence, money, plural } from './evidence.js';
import { recommendationFor } from './make.js';

/**
 * low_roas — ROAS below 0.75 × target on enough evidence (≥ 10 purchases, or spend ≥ 3 × target CPA).
 * Evaluated only at budget units (a CBO campaign, or an ad set of a campaign without a campaign budget):
 * the remedy is a budget cut, and a cut belongs to whoever holds the budget. Judging an ad's ROAS and
 * cutting its parent's budget would contradict the parent's own evaluation; judging an ad set inside a
 * campaign budget would cut a budget that is not there. Medium; a unit without a daily budget (lifetime
 * budgets) gets the finding as an alert. Late conversions: the value still to come (maturity.ts) could
 * lift the ROAS to roas / m; when that reaches the floor the cut is held (low, no action, says so).
 */
export function lowRoas(ctx: RuleContext, entity: EntityMeta): Recommendation | null {
  const rule = ctx.config.rules.lowRoas;
  const targetRoas = ctx.config.targetRoas;
  const targetCpa = ctx.config.targetCpaMinor;
  if (!rule.enabled || targetRoas === null) return null;
  const { sums, excluded } = ctx.liveSums(entity);
  if (sums.spend <= 0) return null;
  const roas = sums.purchaseValue / sums.spend;
  const floor = rule.roasFraction * targetRoas;
  if (roas >= floor) return null;
  const enoughPurchases = sums.purchases >= rule.minPurchases;
  const enoughSpend = targetCpa !== null && sums.spend >= rule.minSpendTargetCpaMultiple * targetCpa;
  if (!enoughPurchases && !enoughSpend) return null;

  const m = ctx.maturity(entity);
  const maturedRoas = roas / m.value;
  const held = maturedRoas >= floor;
  const sentence =
    `ROAS ${formatRoas(roas)} on ${money(ctx, sums.spend)} spend and ${plural(sums.purchases, 'purchase')} ` +
    `vs target ${formatRoas(targetRoas)} (acts below ${formatRoas(floor)})${excludedSuffix(ctx, excluded)}` +
    (held
      ? `; held: purchase value ${formatMaturity(m.value)} matured, and the late value could lift the ROAS to ${formatRoas(maturedRoas)}`
      : '');

  return recommendationFor(
    'low_roas',
    held ? 'low' : 'medium',
    entity,
    held ? null : budgetStep(entity, rule.budgetCutPct, 'down'),
    baseEvidence(ctx, sums, {
      sentence,
      excluded,
      maturity: maturityEvidence(m, held),
      thresholds: {
        roasFloor: floor,
        minPurchases: rule.minPurchases,
        minSpendTargetCpaMultiple: rule.minSpendTargetCpaMultiple,
        budgetCutPct: rule.budgetCutPct,
      },
    }),
  );
}
