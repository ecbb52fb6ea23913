import { and, eq, inArray } from 'drizzle-orm';
import type { ActionStatus } from '../../domain/action-state.js';
import type { Db } from '../client.js';
import { planActions } from '../schema/index.js';
import type { PlanActionRow } from './plans.js';

/**
 * The executor's compare-and-set moves on a plan action, recording who holds it. Claiming moves it to
 * `executing` / `rolling_back` with the owner process and the confirmation; settling moves it on and
 * clears the owner. Each returns the updated row, or undefined when the action was not in `from` (someone
 * else got there first), which is what keeps two writers off one action.
 */
export async function claimAction(
  db: Db,
  id: string,
  from: readonly ActionStatus[],
  to: 'executing' | 'rolling_back',
  claim: { owner: string; confirmationId: string; now: Date },
): Promise<PlanActionRow | undefined> {
  const [row] = await db
    .update(planActions)
    .set({
      status: to,
      ownerId: claim.owner,
      confirmationId: claim.confirmationId,
      updatedAt: claim.now,
      reason: null,
    })
    .where(and(eq(planActions.id, id), inArray(planActions.status, [...from])))
    .returning();
  return row;
}

export async function settleAction(
  db: Db,
  id: string,
  from: readonly ActionStatus[],
  to: ActionStatus,
  now: Date,
  reason: string | null,
): Promise<PlanActionRow | undefined> {
  const [row] = await db
    .update(planActions)
    .set({ status: to, ownerId: null, updatedAt: now, reason })
    .where(and(eq(planActions.id, id), inArray(planActions.status, [...from])))
    .returning();
  return row;
}

/** Actions being written, or whose write has no known outcome: what reconcile looks at. */
export async function actionsInFlight(db: Db): Promise<PlanActionRow[]> {
  return db
    .select()
    .from(planActions)
    .where(inArray(planActions.status, ['executing', 'unknown', 'rolling_back']));
}
