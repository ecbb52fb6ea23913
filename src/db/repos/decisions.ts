import { desc, eq, inArray } from 'drizzle-orm';
import {
  type ActionStatus,
  type Decision,
  isDecidable,
  statusAfterDecision,
} from '../../domain/action-state.js';
import type { Db } from '../client.js';
import { approvalDecisions, planActions, plans } from '../schema/index.js';
import type { PlanActionRow } from './plans.js';

export type DecisionRow = typeof approvalDecisions.$inferSelect;
export type DecisionSource = DecisionRow['source'];

export type DecisionOutcome =
  | { key: string; recorded: true; status: ActionStatus }
  | { key: string; recorded: false; reason: 'already_recorded' | 'not_decidable'; status: ActionStatus };

/**
 * Records one decision on one action and moves the action's status, atomically. A decision from a
 * Slack message already recorded (same source and message) is ignored, so re-reading a thread is
 * harmless; a decision on an action already executing or executed changes nothing.
 */
export async function recordDecision(
  db: Db,
  input: {
    id: string;
    action: PlanActionRow;
    decision: Decision;
    actor: string;
    source: DecisionSource;
    sourceRef: string | null;
    /** The decider's reason; a rejection's reason is also kept on the action, where plans show it. */
    reason?: string | null;
    at: Date;
  },
): Promise<DecisionOutcome> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(planActions)
      .where(eq(planActions.id, input.action.id))
      .for('update');
    const status = (current?.status ?? input.action.status) as ActionStatus;
    if (!isDecidable(status))
      return { key: input.action.key, recorded: false, reason: 'not_decidable', status };
    const inserted = await tx
      .insert(approvalDecisions)
      .values({
        id: input.id,
        planId: input.action.planId,
        planActionId: input.action.id,
        decision: input.decision,
        actor: input.actor,
        source: input.source,
        sourceRef: input.sourceRef,
        reason: input.reason ?? null,
        decidedAt: input.at,
      })
      .onConflictDoNothing()
      .returning({ id: approvalDecisions.id });
    if (inserted.length === 0)
      return { key: input.action.key, recorded: false, reason: 'already_recorded', status };
    const next = statusAfterDecision(input.decision);
    await tx
      .update(planActions)
      .set({
        status: next,
        reason: input.decision === 'reject' ? (input.reason ?? null) : null,
        updatedAt: input.at,
      })
      .where(eq(planActions.id, input.action.id));
    return { key: input.action.key, recorded: true, status: next };
  });
}

/** The latest decision on each action, if any. */
export async function latestDecisions(db: Db, actionIds: string[]): Promise<Map<string, DecisionRow>> {
  const latest = new Map<string, DecisionRow>();
  if (actionIds.length === 0) return latest;
  const rows = await db
    .select()
    .from(approvalDecisions)
    .where(inArray(approvalDecisions.planActionId, actionIds))
    .orderBy(desc(approvalDecisions.decidedAt), desc(approvalDecisions.id));
  for (const r of rows) if (!latest.has(r.planActionId)) latest.set(r.planActionId, r);
  return latest;
}

/** The approvers of each action: actors of its latest decision when that decision is an approval. */
export async function approversOf(db: Db, actionIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (actionIds.length === 0) return out;
  const rows = await db
    .select()
    .from(approvalDecisions)
    .where(inArray(approvalDecisions.planActionId, actionIds))
    .orderBy(desc(approvalDecisions.decidedAt), desc(approvalDecisions.id));
  const latest = new Map<string, DecisionRow>();
  for (const r of rows) if (!latest.has(r.planActionId)) latest.set(r.planActionId, r);
  for (const [actionId, r] of latest) if (r.decision === 'approve') out.set(actionId, [r.actor]);
  return out;
}

/** The newest decisions on an agent's plans, with their reasons: what `action-log` shows beside writes. */
export async function newestDecisions(
  db: Db,
  agentId: string,
  limit: number,
): Promise<Array<DecisionRow & { key: string; entityId: string; entityName: string; type: string }>> {
  const rows = await db
    .select({ d: approvalDecisions, a: planActions })
    .from(approvalDecisions)
    .innerJoin(planActions, eq(planActions.id, approvalDecisions.planActionId))
    .innerJoin(plans, eq(plans.id, approvalDecisions.planId))
    .where(eq(plans.agentId, agentId))
    .orderBy(desc(approvalDecisions.decidedAt), desc(approvalDecisions.id))
    .limit(limit);
  return rows.map(({ d, a }) => ({
    ...d,
    key: a.key,
    entityId: a.entityId,
    entityName: a.entityName,
    type: a.type,
  }));
}
