import type { EntityIndex } from './hierarchy.js';
import { type HistoryIndex, HOUR_MS, lastIncreaseMs } from './history.js';
import type { ScaleHold } from './recommendation.js';
import type { EntityMeta } from './snapshot.js';

/**
 * Why a budget increase must wait, or null. Shared by the scale_winner rule (plan time) and the guardrail
 * re-check (execution time, against live state), so both refuse for the same reasons:
 * - an ad set that pays from this budget is still LEARNING: more budget is a significant edit and would
 *   restart the learning it has not finished (for a campaign budget, every delivering ad set counts,
 *   since the campaign's budget flows to all of them);
 * - the budget was raised within the cooldown (72 h by default): the last increase's effect is not in
 *   the data yet, and stacking +20 % steps compounds faster than the evidence;
 * - an ad set had a significant edit within the cooldown: the window's figures describe the ad set
 *   before the edit.
 * Learning Limited (FAIL) does not hold: more budget is a standard remedy for too few conversions.
 */
export function scaleHold(
  holder: EntityMeta,
  entities: EntityIndex,
  history: HistoryIndex,
  cooldownHours: number,
  nowMs: number,
): ScaleHold | null {
  const cooldownMs = cooldownHours * HOUR_MS;
  const adsets =
    holder.level === 'adset'
      ? [holder]
      : entities.childrenOf(holder.id).filter((c) => c.level === 'adset' && entities.isDelivering(c));

  const learning = adsets.find((a) => a.learningStage === 'LEARNING');
  if (learning) return { reason: 'learning', entityId: learning.id, until: null };

  const increasedMs = lastIncreaseMs(history, holder.id);
  if (increasedMs !== null && nowMs - increasedMs < cooldownMs) {
    return {
      reason: 'recent_increase',
      entityId: holder.id,
      until: new Date(increasedMs + cooldownMs).toISOString(),
    };
  }

  for (const adset of adsets) {
    const editedMs =
      adset.lastSignificantEditAt === null ? Number.NaN : Date.parse(adset.lastSignificantEditAt);
    if (Number.isFinite(editedMs) && nowMs - editedMs < cooldownMs) {
      return {
        reason: 'recent_significant_edit',
        entityId: adset.id,
        until: new Date(editedMs + cooldownMs).toISOString(),
      };
    }
  }
  return null;
}
