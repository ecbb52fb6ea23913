import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { agentById } from '../../db/repos/agents.js';
import { connectionById } from '../../db/repos/connections.js';
import { actionsOf, planById } from '../../db/repos/plans.js';
import { approvalDecisions } from '../../db/schema/index.js';
import type { ActionStatus } from '../../domain/action-state.js';
import type { Evidence } from '../../domain/recommendation.js';
import { evidenceGrade } from '../blocks/map.js';
import type { ActionChange, ActionDecisionView, PlanState, QueueView } from '../blocks/types.js';

const EXECUTED: readonly string[] = ['applied', 'failed', 'stale', 'rolling_back', 'rolled_back'];

/**
 * The approval queue of a plan as it stands now, for renderApprovalQueue: its actions in plan order with
 * their status, each with its latest approve/reject decision (and the reason given), and the plan's state
 * (executed once every action has an outcome, expired past its expiry, superseded by a newer plan).
 * Undefined when the plan, its agent or its connection is gone.
 */
export async function loadQueueView(db: Db, planId: string, now: Date): Promise<QueueView | undefined> {
  const plan = await planById(db, planId);
  if (!plan) return undefined;
  const agent = await agentById(db, plan.agentId);
  const connection = agent ? await connectionById(db, agent.connectionId) : undefined;
  if (!agent || !connection) return undefined;
  const actions = await actionsOf(db, plan.id);
  const decisions = await db
    .select()
    .from(approvalDecisions)
    .where(eq(approvalDecisions.planId, plan.id))
    .orderBy(desc(approvalDecisions.decidedAt));
  const latest = new Map<string, ActionDecisionView>();
  for (const d of decisions) {
    if (latest.has(d.planActionId) || d.decision === 'clear') continue;
    latest.set(d.planActionId, { by: d.actor, at: d.decidedAt.toISOString(), reason: d.reason });
  }
  const state: PlanState =
    plan.status === 'superseded'
      ? 'superseded'
      : actions.length > 0 && actions.every((a) => EXECUTED.includes(a.status))
        ? 'executed'
        : plan.expiresAt.getTime() <= now.getTime()
          ? 'expired'
          : 'active';
  return {
    planId: plan.id,
    agentId: agent.id,
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    environment: connection.environment,
    state,
    expiresAt: plan.expiresAt.toISOString(),
    actions: [...actions]
      .sort((a, b) => a.position - b.position)
      .map((a) => {
        const evidence = a.evidence as unknown as Partial<Evidence> & { sentence?: string };
        return {
          key: a.key,
          entity: { level: a.level, id: a.entityId, name: a.entityName },
          change: { type: a.type, from: a.fromValue, to: a.toValue } as ActionChange,
          requiresApproval: a.requiresApproval,
          status: a.status as ActionStatus,
          why: evidence.sentence ?? a.reason ?? a.rule ?? '',
          evidenceGrade: evidence.sentence ? evidenceGrade(evidence as Evidence) : null,
          decision: latest.get(a.id) ?? null,
          outcome: EXECUTED.includes(a.status) ? { at: null, detail: a.reason } : null,
        };
      }),
    activePlan: plan.supersededBy ? { id: plan.supersededBy, permalink: null } : null,
  };
}
