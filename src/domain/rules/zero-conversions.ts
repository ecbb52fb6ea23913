import { cpaBounds, isConfidentlyWorse, poissonBounds } from '../evidence.js';
import { formatMaturity } from '../maturity.js';
import type { Recommendation } from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';
import { pauseAction } from './actions.js';
import type { RuleContext } from './context.js';
import {
  baseEvidence,
  boundsEvidence,
  cpaSentence,
  excludedSuffix,
  maturityEvidence,
  money,
  roundTo,
} from './evidence.js';
import { recommendationFor } from './make.js';

/**
 * zero_conversions — no purchases at all, on more spend than a target-CPA entity would plausibly spend
 * without one: spend > λ_up(0) × target, where λ_up(0) = χ²(c; 2)/2 = −ln(1 − c) (2.30 at 90 %). That is
 * the high_cpa test at k = 0; it gets its own id because "nothing sold" reads differently from
 * "sold too dearly". Always high: pause, at every level (see high_cpa) — unless the purchases still to
 * come could clear it (spend·m / λ_up(0) ≤ target, maturity.ts): then low, held, and it says so.
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
  const m = ctx.maturity(entity);
  const maturedLow = bounds.cpaLow * m.purchases;
  const held = !(maturedLow > target);

  return recommendationFor(
    'zero_conversions',
    held ? 'low' : 'high',
    entity,
    held ? null : pauseAction(entity),
    baseEvidence(ctx, sums, {
      sentence:
        cpaSentence(ctx, bounds, target) +
        excludedSuffix(ctx, excluded) +
        (held
          ? `; held: purchases ${formatMaturity(m.purchases)} matured, and late ones could still bring ` +
            `the CPA down to ${money(ctx, maturedLow)}`
          : ''),
      bounds: boundsEvidence(bounds),
      excluded,
      maturity: maturityEvidence(m, held),
      thresholds: { spendTargetCpaMultiple: roundTo(spendMultiple, 4) },
    }),
  );
}
