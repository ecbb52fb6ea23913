import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { ActionStatus } from '../../domain/action-state.js';
import type { Db } from '../client.js';
import { planActions, plans } from '../schema/index.js';

export type PlanRow = typeof plans.$inferSelect;
export type PlanActionRow = typeof planActions.$inferSelect;
export type NewPlanAction = Omit<typeof planActions.$inferInsert, 'planId' | 'updatedAt' | 'status'>;

/**
 * Stores a new plan and supersedes the agent's active one in the same transaction, so there is never
 * a moment with two active plans (the partial unique index `plans_one_active_per_agent` enforces it).
 */
export async function createPlan(
  db: Db,
  plan: Pick<PlanRow, 'id' | 'agentId' | 'runId' | 'createdAt' | 'createdBy' | 'expiresAt' | 'guardrails'>,
  actions: NewPlanAction[],
): Promise<{ plan: PlanRow; actions: PlanActionRow[]; superseded: string | null }> {
  return db.transaction(async (tx) => {
    const previous = await tx
      .update(plans)
      .set({ status: 'superseded', supersededBy: plan.id, supersededAt: plan.createdAt })
      .where(and(eq(plans.agentId, plan.agentId), eq(plans.status, 'active')))
      .returning({ id: plans.id });
    const [row] = await tx
      .insert(plans)
      .values({ ...plan, status: 'active' })
      .returning();
    const rows =
      actions.length === 0
        ? []
        : await tx
            .insert(planActions)
            .values(
              actions.map((a) => ({
                ...a,
                planId: plan.id,
                status: 'proposed' as const,
                updatedAt: plan.createdAt,
              })),
            )
            .returning();
    return {
      plan: row!,
      actions: rows.sort((a, b) => a.position - b.position),
      superseded: previous[0]?.id ?? null,
    };
  });
}

export async function activePlan(db: Db, agentId: string): Promise<PlanRow | undefined> {
  const [row] = await db
    .select()
    .from(plans)
    .where(and(eq(plans.agentId, agentId), eq(plans.status, 'active')));
  return row;
}

export async function latestPlan(db: Db, agentId: string): Promise<PlanRow | undefined> {
  const [row] = await db
    .select()
    .from(plans)
    .where(eq(plans.agentId, agentId))
    .orderBy(desc(plans.createdAt))
    .limit(1);
  return row;
}

export async function planById(db: Db, id: string): Promise<PlanRow | undefined> {
  const [row] = await db.select().from(plans).where(eq(plans.id, id));
  return row;
}

export async function actionsOf(db: Db, planId: string): Promise<PlanActionRow[]> {
  return db
    .select()
    .from(planActions)
    .where(eq(planActions.planId, planId))
    .orderBy(asc(planActions.position));
}

export async function actionById(db: Db, id: string): Promise<PlanActionRow | undefined> {
  const [row] = await db.select().from(planActions).where(eq(planActions.id, id));
  return row;
}

/**
 * Compare-and-set on an action's status: moves it only if it is still in one of `from`. Returns the
 * updated row, or undefined when another worker (or a decision) got there first. This is what makes
 * two concurrent executions unable to write the same action twice.
 */
export async function moveAction(
  db: Db,
  id: string,
  from: readonly ActionStatus[],
  to: ActionStatus,
  now: Date,
  reason?: string | null,
): Promise<PlanActionRow | undefined> {
  const [row] = await db
    .update(planActions)
    .set({ status: to, updatedAt: now, ...(reason === undefined ? {} : { reason }) })
    .where(and(eq(planActions.id, id), inArray(planActions.status, [...from])))
    .returning();
  return row;
}
