import type { BudgetAction, StatusAction } from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';

export function pauseAction(entity: EntityMeta): StatusAction {
  return { type: 'set_status', level: entity.level, entityId: entity.id, from: entity.status, to: 'PAUSED' };
}

/**
 * The largest whole-minor-unit step within `pct` of the current budget: a 20 % cut of 16000 is 12800,
 * of 999 is 800 (199.8 rounds toward no change, so the step never exceeds the percentage). Null when the
 * holder has no daily budget or the step rounds to nothing.
 */
export function budgetStep(holder: EntityMeta, pct: number, direction: 'down' | 'up'): BudgetAction | null {
  const from = holder.dailyBudget;
  if (from === null || from <= 0) return null;
  const delta = maxBudgetDelta(from, pct);
  if (delta === 0) return null;
  const to = direction === 'down' ? from - delta : from + delta;
  return { type: 'update_daily_budget', level: holder.level, entityId: holder.id, from, to };
}

/** floor(from × pct / 100), with a hair of tolerance so 16000 × 20 / 100 is exactly 3200. */
export function maxBudgetDelta(from: number, pct: number): number {
  return Math.floor((from * pct) / 100 + 1e-9);
}
