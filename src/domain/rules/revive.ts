import { cpaBounds } from '../evidence.js';
import { formatMaturity } from '../maturity.js';
import type { Recommendation } from '../recommendation.js';
import type { PausedByUs } from '../revive.js';
import type { EntityMeta } from '../snapshot.js';
import type { RuleContext } from './context.js';
import { baseEvidence, boundsEvidence, formatRoas, maturityEvidence, money, plural } from './evidence.js';
import { recommendationFor } from './make.js';

/**
 * revive — an entity MetaBuyer paused whose figures now show it met the target: its window CPA at or
 * under target CPA (and its ROAS at or over target ROAS, when one is set). Judged on the purchases
 * reported so far: late conversions only ever add purchases, so a CPA that meets target now can only
 * improve as the data matures — the verdict survives maturity by construction, and a pause made on
 * immature data is undone once its purchases arrive. Only entities still PAUSED (nobody re-activated
 * them) whose parents deliver (re-activating under a paused parent changes nothing) and that had
 * delivery in the window. Medium; proposes set_status ACTIVE, through the same approval path.
 */
export function revive(ctx: RuleContext, entity: EntityMeta, paused: PausedByUs): Recommendation | null {
  const targetCpa = ctx.config.targetCpaMinor;
  const targetRoas = ctx.config.targetRoas;
  if (targetCpa === null && targetRoas === null) return null;
  if (entity.status !== 'PAUSED') return null;
  if (ctx.entities.ancestorsOf(entity).some((a) => !ctx.entities.isDelivering(a))) return null;
  const sums = ctx.windowSums(entity.id);
  if (sums.spend <= 0 || sums.purchases < 1) return null;
  const cpa = sums.spend / sums.purchases;
  const roas = sums.purchaseValue / sums.spend;
  if (targetCpa !== null && cpa > targetCpa) return null;
  if (targetRoas !== null && roas < targetRoas) return null;

  const m = ctx.maturity(entity);
  const bounds = cpaBounds(sums.spend, sums.purchases, ctx.config.confidenceLevel);
  const parts = [
    targetCpa === null
      ? null
      : `CPA ${money(ctx, cpa)} on ${plural(sums.purchases, 'purchase')} vs target ${money(ctx, targetCpa)}`,
    targetRoas === null ? null : `ROAS ${formatRoas(roas)} vs target ${formatRoas(targetRoas)}`,
  ].filter((p) => p !== null);
  const sentence =
    `Paused by MetaBuyer on ${paused.at.slice(0, 10)}; its figures now meet the target: ${parts.join(', ')}` +
    ` (purchases ${formatMaturity(m.purchases)} matured): re-activate`;
  return recommendationFor(
    'revive',
    'medium',
    entity,
    { type: 'set_status', level: entity.level, entityId: entity.id, from: entity.status, to: 'ACTIVE' },
    baseEvidence(ctx, sums, {
      sentence,
      bounds: boundsEvidence(bounds),
      maturity: maturityEvidence(m, false),
      pausedAt: paused.at,
    }),
  );
}
